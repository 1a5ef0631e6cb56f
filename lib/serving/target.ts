/** How KServe runs an endpoint on a cluster. */
export class DeploymentMode {
  /**
   * Knative Serving (KServe `deploymentMode: Knative`): request-driven autoscaling on concurrency
   * or requests per second, down to zero replicas, with the activator buffering requests while a
   * replica starts.
   */
  public static readonly KNATIVE = new DeploymentMode('Knative');
  /**
   * A plain Deployment (KServe `deploymentMode: Standard`) scaled by a KEDA ScaledObject on the
   * runtime's Prometheus metrics and keep-warm schedules. No scale to zero: KServe recommends it
   * for generative models on GPUs, which should not cold-start on a request.
   */
  public static readonly STANDARD = new DeploymentMode('Standard');
  /** @param value the `serving.kserve.io/deploymentMode` annotation value */
  private constructor(public readonly value: string) {}
  public toString(): string {
    return this.value;
  }
}

/** Options every SageMaker target takes. */
export interface SageMakerTargetOptions {
  /**
   * The serving container image in ECR, pinned by tag or digest: a SageMaker deep learning
   * container (its URI depends on the region and framework, see the SageMaker docs) or your own.
   */
  readonly image: string;
  /**
   * AWS region, when the endpoint's scope is the platform rather than a cluster.
   * @default - the cluster's cloud region
   */
  readonly region?: string;
  /** Environment of the serving container. @default - none */
  readonly environment?: Record<string, string>;
}

/** Options of {@link ServingTarget.sagemakerServerless}. */
export interface SageMakerServerlessOptions extends SageMakerTargetOptions {
  /** Memory of each serverless instance, MiB: 1024 to 6144 in steps of 1024 (vCPUs scale with it). */
  readonly memorySizeMiB: number;
  /** Concurrent invocations the endpoint serves at most, 1 to 200. @default 20 */
  readonly maxConcurrency?: number;
  /**
   * Invocations kept warm (billed while idle), at most `maxConcurrency`.
   * @default - none: every instance scales to zero
   */
  readonly provisionedConcurrency?: number;
}

/** Options of {@link ServingTarget.sagemakerAsync}. */
export interface SageMakerAsyncOptions extends SageMakerTargetOptions {
  /** Instance type, e.g. `ml.g5.xlarge` or `ml.m5.large`. */
  readonly instanceType: string;
  /**
   * Where results go (`s3://bucket/prefix/`); failures go under `<prefix>failures/`.
   * @default - a new encrypted, versioned bucket of the endpoint
   */
  readonly outputUri?: string;
  /**
   * Where callers upload requests (`InvokeEndpointAsync` `InputLocation`): SageMaker reads them
   * with the endpoint's execution role, which may read objects under this prefix only.
   * @default - `inputs/` in the bucket of the results (`s3://<output bucket>/inputs/`)
   */
  readonly inputUri?: string;
  /**
   * KMS key encrypting results, notifications and the instances' EBS volumes. Instance types with
   * local NVMe storage (g4dn, g5, g6, g6e, p4d, p5, trn1, `d` types such as m5d) get no volume key:
   * SageMaker rejects one there (their local storage is encrypted by the instance's hardware), so
   * the key encrypts results and notifications only.
   * @default - a new customer-managed key with rotation
   */
  readonly kmsKeyArn?: string;
  /** Publish success and error notifications to two new encrypted SNS topics. @default false */
  readonly notifications?: boolean;
  /** Requests each instance works on at once. @default - SageMaker's choice */
  readonly maxConcurrentInvocationsPerInstance?: number;
  /**
   * Queued requests per instance the scaling policy aims at (target tracking on
   * `ApproximateBacklogSizePerInstance`).
   * @default - the endpoint's targetConcurrency, or 5
   */
  readonly targetBacklogPerInstance?: number;
}

/** Where an endpoint runs: KServe on its cluster, or a SageMaker endpoint. */
export class ServingTarget {
  /** KServe on the cluster the endpoint belongs to (the default). */
  public static kserve(): ServingTarget {
    return new ServingTarget('kserve');
  }

  /**
   * A SageMaker serverless endpoint (CPU only; scales to zero by itself). The model comes from S3
   * or the Hugging Face Hub.
   */
  public static sagemakerServerless(options: SageMakerServerlessOptions): ServingTarget {
    return new ServingTarget('sagemaker-serverless', options, undefined);
  }

  /**
   * A SageMaker asynchronous inference endpoint (queued requests, results in S3) on instances
   * that scale to zero when the queue is empty and back out when requests wait.
   */
  public static sagemakerAsync(options: SageMakerAsyncOptions): ServingTarget {
    return new ServingTarget('sagemaker-async', undefined, options);
  }

  /** `kserve`, `sagemaker-serverless` or `sagemaker-async`. */
  public readonly kind: string;
  public readonly serverless?: SageMakerServerlessOptions;
  public readonly async?: SageMakerAsyncOptions;

  private constructor(kind: string, serverless?: SageMakerServerlessOptions, async?: SageMakerAsyncOptions) {
    this.kind = kind;
    this.serverless = serverless;
    this.async = async;
  }

  /** The target is a SageMaker endpoint. */
  public get isSageMaker(): boolean {
    return this.kind !== 'kserve';
  }

  /** Options common to both SageMaker targets. @internal */
  public get _sagemaker(): SageMakerTargetOptions | undefined {
    return this.serverless ?? this.async;
  }
}
