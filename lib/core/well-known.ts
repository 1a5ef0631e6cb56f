/**
 * Well-known Kubernetes labels, annotations, taints and extended resource names, spelled exactly
 * as upstream spells them. Every other module takes these spellings from here.
 *
 * Sources: Kubernetes well-known labels; NVIDIA k8s-device-plugin / GPU feature discovery;
 * Karpenter v1 (karpenter.sh, karpenter.k8s.aws); EKS managed node groups; Kueue; KServe and
 * Knative Serving; AWS Neuron and EFA device plugins.
 */

/** Extended resource names requested by containers and advertised by device plugins. */
export const ResourceNames = {
  /** One whole NVIDIA GPU (or one time-slicing / MPS replica when sharing is configured). */
  NVIDIA_GPU: 'nvidia.com/gpu',
  /** An AWS Inferentia / Trainium device (Neuron device plugin). */
  NEURON_DEVICE: 'aws.amazon.com/neuron',
  /** A single NeuronCore (Neuron device plugin). */
  NEURON_CORE: 'aws.amazon.com/neuroncore',
  /** Elastic Fabric Adapter interfaces (EFA device plugin). */
  EFA: 'vpc.amazonaws.com/efa',
  /** A MIG slice under the `mixed` strategy, e.g. `nvidia.com/mig-1g.10gb`. */
  nvidiaMig(profile: string): string {
    return `nvidia.com/mig-${profile}`;
  },
} as const;

/** Node labels. */
export const NodeLabels = {
  ZONE: 'topology.kubernetes.io/zone',
  REGION: 'topology.kubernetes.io/region',
  INSTANCE_TYPE: 'node.kubernetes.io/instance-type',
  ARCH: 'kubernetes.io/arch',
  OS: 'kubernetes.io/os',
  HOSTNAME: 'kubernetes.io/hostname',
  /** GPU feature discovery: product name derived from NVML (driver dependent). */
  NVIDIA_GPU_PRODUCT: 'nvidia.com/gpu.product',
  NVIDIA_GPU_COUNT: 'nvidia.com/gpu.count',
  NVIDIA_GPU_PRESENT: 'nvidia.com/gpu.present',
  /**
   * Cluster Autoscaler's GPU label on AWS (`GPULabel` in cloudprovider/aws/aws_cloud_provider.go,
   * cluster-autoscaler-1.33.0 to 1.35.2): a node carrying it counts as a GPU node that waits for
   * its device plugin, instead of triggering another scale-up (AWS README, "Special note on GPU
   * instances"). The value is the GPU type.
   */
  CLUSTER_AUTOSCALER_AWS_GPU: 'k8s.amazonaws.com/accelerator',
  /** Selects the named entry of the NVIDIA device plugin config map for this node. */
  NVIDIA_DEVICE_PLUGIN_CONFIG: 'nvidia.com/device-plugin.config',
  /** GPU Operator MIG manager: the MIG layout to apply (`all-1g.10gb`, `all-balanced`, ...). */
  NVIDIA_MIG_CONFIG: 'nvidia.com/mig.config',
  /** KServe LocalModel: nodes of a LocalModel node group, selected by its node agent (value `worker`). */
  KSERVE_LOCALMODEL: 'kserve/localmodel',
  /** EKS managed node groups: `ON_DEMAND` | `SPOT` | `CAPACITY_BLOCK`. */
  EKS_CAPACITY_TYPE: 'eks.amazonaws.com/capacityType',
  EKS_NODEGROUP: 'eks.amazonaws.com/nodegroup',
  /** Karpenter v1: `spot` | `on-demand` | `reserved`. */
  KARPENTER_CAPACITY_TYPE: 'karpenter.sh/capacity-type',
  KARPENTER_NODEPOOL: 'karpenter.sh/nodepool',
  KARPENTER_INSTANCE_FAMILY: 'karpenter.k8s.aws/instance-family',
  KARPENTER_INSTANCE_GPU_NAME: 'karpenter.k8s.aws/instance-gpu-name',
  KARPENTER_INSTANCE_GPU_COUNT: 'karpenter.k8s.aws/instance-gpu-count',
  /** GPU memory per GPU, MiB. */
  KARPENTER_INSTANCE_GPU_MEMORY: 'karpenter.k8s.aws/instance-gpu-memory',
  KARPENTER_INSTANCE_ACCELERATOR_NAME: 'karpenter.k8s.aws/instance-accelerator-name',
  KARPENTER_INSTANCE_ACCELERATOR_COUNT: 'karpenter.k8s.aws/instance-accelerator-count',
} as const;

/** Capacity type values of the Karpenter `karpenter.sh/capacity-type` label. */
export const KarpenterCapacityTypes = { SPOT: 'spot', ON_DEMAND: 'on-demand', RESERVED: 'reserved' } as const;

/** Capacity type values of EKS managed node groups (`capacity_type`). */
export const EksCapacityTypes = { ON_DEMAND: 'ON_DEMAND', SPOT: 'SPOT', CAPACITY_BLOCK: 'CAPACITY_BLOCK' } as const;

/** A Kubernetes taint. `effect` uses Kubernetes spelling (`NoSchedule`). */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Well-known taints, in Kubernetes spelling. */
export const Taints = {
  /** Keeps non-GPU pods off GPU nodes; GPU pods tolerate it with `operator: Exists`. */
  NVIDIA_GPU: { key: 'nvidia.com/gpu', effect: 'NoSchedule' } as Taint,
  /** Keeps non-Neuron pods off Inferentia / Trainium nodes. */
  NEURON: { key: 'aws.amazon.com/neuron', effect: 'NoSchedule' } as Taint,
} as const;

/** Kubernetes taint effect → EKS managed node group spelling. */
export const EKS_TAINT_EFFECTS: Record<Taint['effect'], string> = {
  NoSchedule: 'NO_SCHEDULE',
  PreferNoSchedule: 'PREFER_NO_SCHEDULE',
  NoExecute: 'NO_EXECUTE',
};

/** Pod and object annotations. */
export const Annotations = {
  /** Karpenter v1: do not voluntarily disrupt the node running this pod (value `"true"`). */
  KARPENTER_DO_NOT_DISRUPT: 'karpenter.sh/do-not-disrupt',
  /** KServe: `Knative` (scale to zero) | `Standard` (formerly RawDeployment). */
  KSERVE_DEPLOYMENT_MODE: 'serving.kserve.io/deploymentMode',
  KNATIVE_MIN_SCALE: 'autoscaling.knative.dev/min-scale',
  KNATIVE_MAX_SCALE: 'autoscaling.knative.dev/max-scale',
  KNATIVE_INITIAL_SCALE: 'autoscaling.knative.dev/initial-scale',
  KNATIVE_SCALE_DOWN_DELAY: 'autoscaling.knative.dev/scale-down-delay',
  KNATIVE_WINDOW: 'autoscaling.knative.dev/window',
  KNATIVE_TARGET: 'autoscaling.knative.dev/target',
  KNATIVE_METRIC: 'autoscaling.knative.dev/metric',
} as const;

/** Object labels. */
export const Labels = {
  /** Kueue: the LocalQueue a Job / JobSet is submitted to. */
  KUEUE_QUEUE_NAME: 'kueue.x-k8s.io/queue-name',
  KUEUE_PRIORITY_CLASS: 'kueue.x-k8s.io/priority-class',
  APP_NAME: 'app.kubernetes.io/name',
  APP_INSTANCE: 'app.kubernetes.io/instance',
  APP_COMPONENT: 'app.kubernetes.io/component',
  APP_PART_OF: 'app.kubernetes.io/part-of',
  APP_MANAGED_BY: 'app.kubernetes.io/managed-by',
} as const;

/** Prefix of the Cluster Autoscaler node-template tags on an Auto Scaling group (scale from zero). */
export const CLUSTER_AUTOSCALER_NODE_TEMPLATE = 'k8s.io/cluster-autoscaler/node-template';

/** Value of {@link NodeLabels.KSERVE_LOCALMODEL} the KServe v0.20.0 node agent selects (chart default). */
export const KSERVE_LOCALMODEL_WORKER = 'worker';
