/** Values of {@link FunctionTarget.kind}. */
export const FunctionTargetKinds = {
  KUBERNETES: 'kubernetes',
  AWS_BATCH: 'aws-batch',
} as const;

/** Options of {@link FunctionTarget.awsBatch}. */
export interface AwsBatchTargetOptions {
  /**
   * Subnets of the Batch instances (private subnets with a route to ECR, S3 and the internet or
   * VPC endpoints).
   * @default - the private subnets of the function's EKS cluster; required on other clusters
   */
  readonly subnetIds?: string[];
  /**
   * Security groups of the Batch instances.
   * @default - a new security group in `vpcId` with no inbound rule and all outbound traffic
   */
  readonly securityGroupIds?: string[];
  /**
   * VPC of a new security group.
   * @default - the VPC of the function's EKS cluster; required on other clusters unless
   * `securityGroupIds` is given
   */
  readonly vpcId?: string;
}

/**
 * Where a {@link GpuFunction} runs: on its cluster (a KEDA ScaledJob or a CronJob on the pool's
 * nodes), or on AWS Batch (a managed GPU compute environment built from the pool's accelerator,
 * instance types and capacity, in the cluster's cloud stack).
 */
export class FunctionTarget {
  /** On the function's cluster, in its workloads stack (the default). */
  public static kubernetes(): FunctionTarget {
    return new FunctionTarget(FunctionTargetKinds.KUBERNETES, {});
  }

  /**
   * On AWS Batch: managed EC2 compute environments (spot with an on-demand fallback when the pool
   * allows it, minimum 0 vCPUs), a job queue, a job definition, and an EventBridge rule that
   * submits jobs when objects land (S3 trigger) or on schedule. Whole GPUs only (Batch does not
   * share GPUs); SQS triggers are not supported (no queue-depth scaling on Batch).
   */
  public static awsBatch(options: AwsBatchTargetOptions = {}): FunctionTarget {
    return new FunctionTarget(FunctionTargetKinds.AWS_BATCH, options);
  }

  /** `kubernetes` or `aws-batch` (see {@link FunctionTargetKinds}). */
  public readonly kind: string;
  /** Options of an AWS Batch target. */
  public readonly batchOptions: AwsBatchTargetOptions;

  private constructor(kind: string, batchOptions: AwsBatchTargetOptions) {
    this.kind = kind;
    this.batchOptions = { ...batchOptions };
  }

  public toString(): string {
    return this.kind;
  }
}
