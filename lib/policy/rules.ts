/** How a policy finding is reported. */
export class PolicySeverity {
  /** Fails synth (a cdktf error annotation). */
  public static readonly ERROR = new PolicySeverity('error');
  /** Annotates the construct (a cdktf warning, printed by `cdktf synth`). */
  public static readonly WARNING = new PolicySeverity('warning');
  /** The rule does not run. */
  public static readonly OFF = new PolicySeverity('off');
  private constructor(public readonly name: string) {}
  public toString(): string {
    return this.name;
  }
}

/** One policy rule: an id to suppress it by, a default severity and the fix. */
export interface PolicyRule {
  /** `AIP-SEC-nnn` (security baseline) or `AIP-AI-nnn` (AI platform rules). */
  readonly id: string;
  /** What the rule requires. */
  readonly title: string;
  /** Severity unless the platform's policy options change it. */
  readonly severity: PolicySeverity;
  /** How to comply. */
  readonly fix: string;
}

/** Rule ids, for `Policy.suppress` and `policy.rules`. */
export const PolicyRuleIds = {
  S3_ENCRYPTION: 'AIP-SEC-001',
  S3_VERSIONING: 'AIP-SEC-002',
  S3_PUBLIC_ACCESS_BLOCK: 'AIP-SEC-003',
  IMDSV2: 'AIP-SEC-004',
  EBS_ENCRYPTION: 'AIP-SEC-005',
  SQS_ENCRYPTION: 'AIP-SEC-006',
  EKS_SECRETS_KMS: 'AIP-SEC-007',
  IAM_WILDCARD: 'AIP-SEC-008',
  EKS_PUBLIC_ENDPOINT: 'AIP-SEC-009',
  PRIVILEGED_CONTAINER: 'AIP-SEC-010',
  PRIVILEGE_ESCALATION: 'AIP-SEC-011',
  DEFAULT_DENY_NETWORK_POLICY: 'AIP-SEC-012',
  GPU_POOL_TAINT: 'AIP-AI-001',
  SPOT_CHECKPOINT: 'AIP-AI-002',
  WARM_START: 'AIP-AI-003',
  GPU_RESOURCE_MATCH: 'AIP-AI-004',
  GANG_FITS_QUOTA: 'AIP-AI-005',
  DATA_RESIDENCY: 'AIP-AI-006',
} as const;

const R = PolicyRuleIds;
const E = PolicySeverity.ERROR;
const W = PolicySeverity.WARNING;

/** Every rule, in id order. */
export const POLICY_RULES: readonly PolicyRule[] = Object.freeze([
  {
    id: R.S3_ENCRYPTION,
    title: 'S3 buckets have default server-side encryption',
    severity: E,
    fix: 'add an aws_s3_bucket_server_side_encryption_configuration for the bucket (SSE-KMS), or create it with SecureBucket',
  },
  {
    id: R.S3_VERSIONING,
    title: 'S3 buckets have versioning enabled',
    severity: E,
    fix: 'add an aws_s3_bucket_versioning with status "Enabled" for the bucket',
  },
  {
    id: R.S3_PUBLIC_ACCESS_BLOCK,
    title: 'S3 buckets block every kind of public access',
    severity: E,
    fix: 'add an aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true',
  },
  {
    id: R.IMDSV2,
    title: 'Instances require IMDSv2',
    severity: E,
    fix: 'set metadata_options.http_tokens = "required" (hop limit 1) on the launch template or instance; Karpenter EC2NodeClass metadataOptions.httpTokens: required',
  },
  {
    id: R.EBS_ENCRYPTION,
    title: 'EBS volumes are encrypted',
    severity: E,
    fix: 'set encrypted = true on every EBS volume and block device mapping',
  },
  {
    id: R.SQS_ENCRYPTION,
    title: 'SQS queues are encrypted at rest',
    severity: E,
    fix: 'set sqs_managed_sse_enabled = true or a kms_master_key_id on the queue',
  },
  {
    id: R.EKS_SECRETS_KMS,
    title: 'EKS encrypts Kubernetes secrets with a KMS key',
    severity: E,
    fix: 'add encryption_config { resources = ["secrets"], provider { key_arn = <KMS key> } } to the cluster (EksCluster does)',
  },
  {
    id: R.IAM_WILDCARD,
    title: 'No IAM policy allows "*" actions on "*" resources',
    severity: E,
    fix: 'name the actions (e.g. "s3:GetObject") and the resource ARNs; do not attach AdministratorAccess',
  },
  {
    id: R.EKS_PUBLIC_ENDPOINT,
    title: 'EKS API endpoints are private unless explicitly opted in',
    severity: E,
    fix: 'set endpoint_public_access = false (EksCluster default); to expose it, use EksCluster endpointPublicAccess with publicAccessCidrs (an explicit opt-in)',
  },
  {
    id: R.PRIVILEGED_CONTAINER,
    title: 'Containers are not privileged',
    severity: E,
    fix: 'remove securityContext.privileged: true (use restrictedContainerSecurityContext())',
  },
  {
    id: R.PRIVILEGE_ESCALATION,
    title: 'Containers cannot escalate privileges',
    severity: E,
    fix: 'set securityContext.allowPrivilegeEscalation: false on every container (restrictedContainerSecurityContext() does)',
  },
  {
    id: R.DEFAULT_DENY_NETWORK_POLICY,
    title: 'Namespaces that run workloads have a default-deny NetworkPolicy',
    severity: E,
    fix: 'emit defaultDenyNetworkPolicy(namespace) next to the Namespace, then allow the traffic the workloads need',
  },
  {
    id: R.GPU_POOL_TAINT,
    title: 'GPU and Neuron nodes are tainted',
    severity: W,
    fix: 'keep the accelerator taint on the pool (GpuNodePool acceleratorTaint: true, the default) so that only pods that need accelerators land there',
  },
  {
    id: R.SPOT_CHECKPOINT,
    title: 'Batch and training workloads on spot capacity checkpoint',
    severity: W,
    fix: 'write checkpoints (TrainingPipeline checkpointing: Checkpointing.s3(...)); mark the workload with a CHECKPOINT_DIR env var or the cdktf-ai-infra/checkpoint annotation; '
      + 'a queue-driven GpuFunction is checkpointed by its queue with retries ≥ 1 (unfinished messages are redelivered), a scheduled one needs a CHECKPOINT_DIR env var',
  },
  {
    id: R.WARM_START,
    title: 'Scale-to-zero endpoints with large models have a warm start',
    severity: W,
    fix: 'cache the weights on the pool\'s nodes (KServe LocalModelCache for the storageUri), keep min replicas ≥ 1, or keep replicas warm on a schedule',
  },
  {
    id: R.GPU_RESOURCE_MATCH,
    title: 'Pods on a GPU pool request the resource the pool advertises',
    severity: E,
    fix: 'request the pool\'s resource (pool.resourceName, e.g. nvidia.com/mig-1g.10gb on a MIG pool) and at most the units of one node',
  },
  {
    id: R.GANG_FITS_QUOTA,
    title: 'A gang fits in the quota of its Kueue queue',
    severity: E,
    fix: 'lower the gang (parallelism × replicas × requests) or raise the ClusterQueue nominal quota (or its borrowing limit in a cohort)',
  },
  {
    id: R.DATA_RESIDENCY,
    title: 'Providers and state stay in the allowed regions',
    severity: E,
    fix: 'use a region listed in the platform\'s allowedRegions for every provider and state backend, or extend allowedRegions',
  },
]);

/** The rule with this id, or undefined. */
export function findPolicyRule(id: string): PolicyRule | undefined {
  return POLICY_RULES.find((r) => r.id === id);
}
