/**
 * Typed builders for the Karpenter v1 objects we emit, as plain Kubernetes JSON: the
 * `karpenter.k8s.aws/v1` EC2NodeClass (how to launch: AMI, role, subnets, security groups,
 * volumes, IMDS) and the `karpenter.sh/v1` NodePool (what to launch: requirements, taints,
 * limits, disruption). No provider imports: the same objects feed `kubernetes_manifest`, the
 * schema checks and a plain YAML export.
 *
 * Field names follow the CRDs shipped with Karpenter 1.14.1 (`vendor/schemas/kubernetes/crds/karpenter`,
 * byte-identical to the chart's `crds/`). CEL rules of those CRDs that a JSON schema check cannot
 * evaluate (restricted label domains, restricted tags) are enforced here instead.
 */
import { NodeLabels } from '../core/well-known';

/**
 * A Karpenter object as plain Kubernetes JSON (a type alias, so that it is assignable to the
 * `KubernetesObject` of `./manifest` without importing it).
 */
export type KarpenterObject = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly spec: Record<string, any>;
};

/** API versions and kinds of Karpenter v1. */
export const KarpenterApi = {
  NODE_POOL_API_VERSION: 'karpenter.sh/v1',
  NODE_POOL_KIND: 'NodePool',
  NODE_CLASS_GROUP: 'karpenter.k8s.aws',
  NODE_CLASS_API_VERSION: 'karpenter.k8s.aws/v1',
  NODE_CLASS_KIND: 'EC2NodeClass',
} as const;

/**
 * EC2NodeClass AMI aliases (`family@version`). `latest` follows the newest EKS-optimized AMI, so
 * every AMI release drifts and replaces every node: AL2023 pools use a pinned release instead.
 */
export const KarpenterAmiAliases = {
  AL2023_LATEST: 'al2023@latest',
  /**
   * The EKS-optimized AL2023 AMI release pinned by this library: v20260714 (awslabs/amazon-eks-ami
   * CHANGELOG.md "AMI Release v20260714", with AL2023 x86_64 standard, NVIDIA and Neuron AMIs for
   * Kubernetes 1.33–1.36). Update it on purpose (`EksClusterProps.nodeAmiRelease`): nodes are
   * replaced once, as a drift, within the NodePool's disruption budget.
   */
  AL2023_PINNED: 'al2023@v20260714',
  BOTTLEROCKET_LATEST: 'bottlerocket@latest',
} as const;

/** The tag Karpenter discovers subnets and security groups by (value: the cluster name). */
export const KARPENTER_DISCOVERY_TAG = 'karpenter.sh/discovery';

/** Consolidation policies of `spec.disruption.consolidationPolicy`. */
export const KarpenterConsolidationPolicies = {
  /** Only empty nodes (no workload pods) are removed: the default for accelerator pools. */
  WHEN_EMPTY: 'WhenEmpty',
  /** Empty and underutilized nodes are removed or replaced by cheaper ones. */
  WHEN_EMPTY_OR_UNDERUTILIZED: 'WhenEmptyOrUnderutilized',
} as const;

/**
 * Node labels Karpenter reserves (CEL rules of the NodePool CRD on `template.metadata.labels` and
 * `requirements[].key`): the `karpenter.sh` and `karpenter.k8s.aws` domains except the keys listed
 * here, `karpenter.sh/nodepool` and `kubernetes.io/hostname`.
 */
const ALLOWED_KARPENTER_SH_LABELS = ['karpenter.sh/capacity-type'];
const ALLOWED_KARPENTER_AWS_LABELS = [
  'instance-tenancy', 'capacity-reservation-type', 'capacity-reservation-id', 'capacity-reservation-interruptible',
  'ec2nodeclass', 'instance-encryption-in-transit-supported', 'instance-category', 'instance-hypervisor',
  'instance-family', 'instance-generation', 'instance-local-nvme', 'instance-size', 'instance-cpu',
  'instance-cpu-manufacturer', 'instance-cpu-sustained-clock-speed-mhz', 'instance-memory', 'instance-ebs-bandwidth',
  'instance-network-bandwidth', 'instance-gpu-name', 'instance-gpu-manufacturer', 'instance-gpu-count',
  'instance-gpu-memory', 'instance-accelerator-name', 'instance-accelerator-manufacturer',
  'instance-accelerator-count', 'instance-capability-flex', 'placement-group-id', 'placement-group-partition',
].map((k) => `karpenter.k8s.aws/${k}`);

/**
 * Why Karpenter rejects `key` as a NodePool label or requirement key, or undefined when it accepts
 * it. Mirrors the CEL rules of the `karpenter.sh_nodepools` CRD (1.14.1).
 */
export function restrictedNodeLabelReason(key: string): string | undefined {
  const domain = key.includes('/') ? key.split('/')[0] : '';
  if (key === NodeLabels.KARPENTER_NODEPOOL) return 'Karpenter sets "karpenter.sh/nodepool" itself';
  if (key === NodeLabels.HOSTNAME) return '"kubernetes.io/hostname" is set by the kubelet';
  if (domain.endsWith('karpenter.sh') && !ALLOWED_KARPENTER_SH_LABELS.includes(key)) return 'the "karpenter.sh" label domain is reserved for Karpenter';
  if (domain.endsWith('karpenter.k8s.aws') && !ALLOWED_KARPENTER_AWS_LABELS.includes(key)) return 'the "karpenter.k8s.aws" label domain is reserved for Karpenter';
  return undefined;
}

/**
 * Tags Karpenter sets on what it launches and rejects in `EC2NodeClass.spec.tags` (CEL rules of the
 * `karpenter.k8s.aws_ec2nodeclasses` CRD): `eks:eks-cluster-name`, `kubernetes.io/cluster/*`,
 * `karpenter.sh/nodepool`, `karpenter.sh/nodeclaim`, `karpenter.k8s.aws/ec2nodeclass`, and empty keys.
 */
export function isRestrictedNodeClassTag(key: string): boolean {
  return key === '' || key === 'eks:eks-cluster-name' || key.startsWith('kubernetes.io/cluster')
    || key === 'karpenter.sh/nodepool' || key === 'karpenter.sh/nodeclaim' || key === 'karpenter.k8s.aws/ec2nodeclass';
}

/** Selector terms of an EC2NodeClass (subnets, security groups): by tags or by ids. */
export interface KarpenterSelector {
  /**
   * Match resources carrying all these tags (one term).
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Match these resource ids (one term per id).
   * @default - none
   */
  readonly ids?: string[];
}

/** Props of {@link ec2NodeClass}. */
export interface Ec2NodeClassProps {
  /** Object name (a DNS-1123 subdomain). */
  readonly name: string;
  /** Object labels (`metadata.labels`), e.g. the platform's common labels. @default - none */
  readonly labels?: Record<string, string>;
  /** AMI alias, e.g. {@link KarpenterAmiAliases.AL2023_LATEST}; the family decides the disk layout. */
  readonly amiAlias: string;
  /** Name (not ARN) of the IAM role of the nodes; Karpenter manages the instance profile. */
  readonly role: string;
  /** Subnets nodes are launched in. */
  readonly subnets: KarpenterSelector;
  /** Security groups of the nodes. */
  readonly securityGroups: KarpenterSelector;
  /**
   * Size of the volume holding images and pod data, GiB: the root volume on AL2023, the second
   * (data) volume `/dev/xvdb` on Bottlerocket.
   */
  readonly dataVolumeGiB: number;
  /**
   * Size of the Bottlerocket OS volume `/dev/xvda`, GiB (ignored for other families).
   * @default 4 (Karpenter's own default for Bottlerocket)
   */
  readonly bottlerocketOsVolumeGiB?: number;
  /** Tags of the instances, volumes and launch templates (restricted keys are dropped). @default - none */
  readonly tags?: Record<string, string>;
  /**
   * EC2 capacity reservations (On-Demand Capacity Reservations or Capacity Blocks) the nodes may
   * launch into; pair with the `reserved` capacity type on the NodePool.
   * @default - none
   */
  readonly capacityReservationIds?: string[];
}

function selectorTerms(selector: KarpenterSelector): Array<Record<string, unknown>> {
  const terms: Array<Record<string, unknown>> = [];
  if (selector.tags && Object.keys(selector.tags).length > 0) terms.push({ tags: { ...selector.tags } });
  for (const id of selector.ids ?? []) terms.push({ id });
  return terms;
}

function encryptedGp3(sizeGiB: number): Record<string, unknown> {
  return { volumeSize: `${sizeGiB}Gi`, volumeType: 'gp3', encrypted: true, deleteOnTermination: true };
}

/**
 * A `karpenter.k8s.aws/v1` EC2NodeClass: AMI by alias, the node role, subnets and security groups
 * by selector, encrypted gp3 volumes, IMDSv2 required with a hop limit of 1 (pods cannot reach the
 * node's credentials; they use EKS Pod Identity), and tags.
 */
export function ec2NodeClass(props: Ec2NodeClassProps): KarpenterObject {
  const family = props.amiAlias.split('@')[0];
  const blockDeviceMappings = family === 'bottlerocket'
    ? [
      { deviceName: '/dev/xvda', ebs: encryptedGp3(props.bottlerocketOsVolumeGiB ?? 4) },
      { deviceName: '/dev/xvdb', ebs: encryptedGp3(props.dataVolumeGiB) },
    ]
    : [{ deviceName: '/dev/xvda', ebs: encryptedGp3(props.dataVolumeGiB) }];
  const tags = Object.fromEntries(Object.entries(props.tags ?? {}).filter(([k, v]) => !isRestrictedNodeClassTag(k) && v !== ''));
  const reservations = props.capacityReservationIds ?? [];
  return {
    apiVersion: KarpenterApi.NODE_CLASS_API_VERSION,
    kind: KarpenterApi.NODE_CLASS_KIND,
    metadata: { name: props.name, ...(props.labels && Object.keys(props.labels).length ? { labels: { ...props.labels } } : {}) },
    spec: {
      amiSelectorTerms: [{ alias: props.amiAlias }],
      role: props.role,
      subnetSelectorTerms: selectorTerms(props.subnets),
      securityGroupSelectorTerms: selectorTerms(props.securityGroups),
      ...(reservations.length ? { capacityReservationSelectorTerms: reservations.map((id) => ({ id })) } : {}),
      blockDeviceMappings,
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpProtocolIPv6: 'disabled',
        httpPutResponseHopLimit: 1,
        httpTokens: 'required',
      },
      ...(Object.keys(tags).length ? { tags } : {}),
    },
  };
}

/** One NodePool requirement (a node selector requirement Karpenter schedules against). */
export interface KarpenterRequirement {
  /** Label key, e.g. `node.kubernetes.io/instance-type`. */
  readonly key: string;
  /** `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`, `Gte`, `Lte`. */
  readonly operator: string;
  /** Values (required for `In`). @default - none */
  readonly values?: string[];
}

/** A node taint in Kubernetes spelling (`NoSchedule`, `PreferNoSchedule`, `NoExecute`). */
export interface KarpenterTaint {
  readonly key: string;
  /** @default - no value */
  readonly value?: string;
  readonly effect: string;
}

/** One disruption budget: at most `nodes` (a count or a percentage) disrupted at once. */
export interface KarpenterBudget {
  /** e.g. `'1'` or `'10%'`. */
  readonly nodes: string;
  /** `Empty`, `Drifted`, `Underutilized`. @default - every reason */
  readonly reasons?: string[];
  /** Cron schedule when the budget starts being active (with `duration`). @default - always active */
  readonly schedule?: string;
  /** How long the budget stays active after each `schedule` hit, e.g. `8h`. @default - always active */
  readonly duration?: string;
}

/** Props of {@link nodePool}. */
export interface NodePoolProps {
  /** Object name (a DNS-1123 subdomain). */
  readonly name: string;
  /** Object labels (`metadata.labels`). @default - none */
  readonly labels?: Record<string, string>;
  /** Labels of the nodes (`spec.template.metadata.labels`). @default - none */
  readonly nodeLabels?: Record<string, string>;
  /** Name of the EC2NodeClass the nodes are launched with. */
  readonly nodeClassName: string;
  /** Requirements, e.g. from {@link nodePoolRequirements}. */
  readonly requirements: KarpenterRequirement[];
  /** Taints of the nodes. @default - none */
  readonly taints?: KarpenterTaint[];
  /** Node lifetime before replacement, e.g. `720h`, or `Never`. @default '720h' */
  readonly expireAfter?: string;
  /** Upper bounds of the pool's resources, e.g. `{ 'nvidia.com/gpu': '32' }`. @default - none */
  readonly limits?: Record<string, string>;
  /** @default KarpenterConsolidationPolicies.WHEN_EMPTY */
  readonly consolidationPolicy?: string;
  /** How long a node must be consolidatable before it is removed. @default '10m' */
  readonly consolidateAfter?: string;
  /** Disruption budgets. @default - Karpenter's default (10% of the nodes) */
  readonly budgets?: KarpenterBudget[];
  /** Priority among NodePools matching the same pods (higher first). @default - none (0) */
  readonly weight?: number;
}

/** Requirements of an accelerator pool: instance types, capacity types, architectures, Linux. */
export function nodePoolRequirements(props: { instanceTypes: string[]; capacityTypes: string[]; architectures: string[] }): KarpenterRequirement[] {
  return [
    { key: NodeLabels.INSTANCE_TYPE, operator: 'In', values: [...props.instanceTypes] },
    { key: NodeLabels.KARPENTER_CAPACITY_TYPE, operator: 'In', values: [...props.capacityTypes] },
    { key: NodeLabels.ARCH, operator: 'In', values: [...props.architectures] },
    { key: NodeLabels.OS, operator: 'In', values: ['linux'] },
  ];
}

/** A `karpenter.sh/v1` NodePool referencing an EC2NodeClass. */
export function nodePool(props: NodePoolProps): KarpenterObject {
  const nodeLabels = props.nodeLabels ?? {};
  const taints = (props.taints ?? []).map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect }));
  return {
    apiVersion: KarpenterApi.NODE_POOL_API_VERSION,
    kind: KarpenterApi.NODE_POOL_KIND,
    metadata: { name: props.name, ...(props.labels && Object.keys(props.labels).length ? { labels: { ...props.labels } } : {}) },
    spec: {
      template: {
        ...(Object.keys(nodeLabels).length ? { metadata: { labels: { ...nodeLabels } } } : {}),
        spec: {
          nodeClassRef: { group: KarpenterApi.NODE_CLASS_GROUP, kind: KarpenterApi.NODE_CLASS_KIND, name: props.nodeClassName },
          requirements: props.requirements.map((r) => ({ key: r.key, operator: r.operator, ...(r.values ? { values: [...r.values] } : {}) })),
          ...(taints.length ? { taints } : {}),
          expireAfter: props.expireAfter ?? '720h',
        },
      },
      ...(props.limits && Object.keys(props.limits).length ? { limits: { ...props.limits } } : {}),
      disruption: {
        consolidationPolicy: props.consolidationPolicy ?? KarpenterConsolidationPolicies.WHEN_EMPTY,
        consolidateAfter: props.consolidateAfter ?? '10m',
        ...(props.budgets ? { budgets: props.budgets.map((b) => ({ ...b, ...(b.reasons ? { reasons: [...b.reasons] } : {}) })) } : {}),
      },
      ...(props.weight !== undefined ? { weight: props.weight } : {}),
    },
  };
}
