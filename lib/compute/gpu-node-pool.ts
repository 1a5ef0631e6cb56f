import { Annotations, Token } from 'cdktf';
import { Construct } from 'constructs';
import { IGpuNodePool, Toleration } from './pool';
import { Accelerator } from '../core/accelerator';
import { Capacity } from '../core/capacity';
import { ConfigError } from '../core/errors';
import { GpuSharing } from '../core/gpu-sharing';
import { validateDnsLabel, validateLabelKey, validateLabelValue } from '../core/naming';
import { KSERVE_LOCALMODEL_WORKER, NodeLabels, ResourceNames, Taint } from '../core/well-known';
import type { CostAssumptions } from '../cost/assumptions';
import type { CostLine, ICostSource } from '../cost/cost-line';
import { estimatePoolCost } from '../cost/pool-cost';
import { nvidiaGpuSoftware } from '../kubernetes/gpu-addons';
import { ensureResourceFlavor } from '../kubernetes/kueue';
import { ICluster, NodePoolProvisioners, NodePoolRealisation } from '../platform/cluster';

/** Operating system image of GPU nodes. */
export class NodeOs {
  /** Amazon Linux 2023 with the NVIDIA driver (EKS `AL2023_x86_64_NVIDIA`). */
  public static readonly AL2023_NVIDIA = new NodeOs('AL2023_NVIDIA');
  /** Bottlerocket with the NVIDIA driver and device plugin (EKS `BOTTLEROCKET_x86_64_NVIDIA`). */
  public static readonly BOTTLEROCKET_NVIDIA = new NodeOs('BOTTLEROCKET_NVIDIA');
  /** Amazon Linux 2023 with the Neuron driver (Inferentia, Trainium). */
  public static readonly AL2023_NEURON = new NodeOs('AL2023_NEURON');
  private constructor(public readonly name: string) {}
}

/** What creates the nodes of a pool. */
export class NodeProvisioner {
  /** EKS managed node groups, scaled (from zero) by the Cluster Autoscaler. */
  public static readonly MANAGED_NODE_GROUP = new NodeProvisioner(NodePoolProvisioners.MANAGED_NODE_GROUP);
  /** Karpenter NodePool and EC2NodeClass (the cluster must have Karpenter enabled). */
  public static readonly KARPENTER = new NodeProvisioner(NodePoolProvisioners.KARPENTER);
  private constructor(public readonly name: string) {}
}

/** Props of {@link GpuNodePool}. */
export interface GpuNodePoolProps {
  /**
   * What creates the nodes.
   * @default - Karpenter when the cluster has it, else managed node groups
   */
  readonly provisioner?: NodeProvisioner;
  /**
   * The accelerator. Instance types default to every AWS type carrying it, smallest first.
   * @default - derived from `instanceTypes` (which is then required)
   */
  readonly accelerator?: Accelerator;
  /**
   * Explicit instance types (all must carry the same accelerator). On a managed node group they
   * must share one shape (GPUs, vCPUs, memory), as the Cluster Autoscaler requires.
   * @default - Karpenter: every instance type of the accelerator; managed node group: the
   *   accelerator's smallest instance type (and any of the same shape)
   */
  readonly instanceTypes?: string[];
  /** @default Capacity.onDemand() */
  readonly capacity?: Capacity;
  /** Minimum nodes; 0 scales the pool to zero when idle. @default 0 */
  readonly minNodes?: number;
  /** Maximum nodes. */
  readonly maxNodes: number;
  /** How pods share each GPU. @default GpuSharing.exclusive() */
  readonly sharing?: GpuSharing;
  /** Extra node labels. @default - none */
  readonly labels?: Record<string, string>;
  /** Extra taints (the accelerator taint is added unless `acceleratorTaint` is false). @default - none */
  readonly taints?: Taint[];
  /**
   * Taint the nodes with the accelerator taint (`nvidia.com/gpu:NoSchedule` or
   * `aws.amazon.com/neuron:NoSchedule`) so that only pods that tolerate it land there.
   * @default true
   */
  readonly acceleratorTaint?: boolean;
  /** Root (or Bottlerocket data) volume, GiB: model images are large. @default 200 */
  readonly diskGiB?: number;
  /** @default NodeOs.AL2023_NVIDIA for NVIDIA, NodeOs.AL2023_NEURON for Neuron */
  readonly os?: NodeOs;
  /**
   * Put every node in one availability zone, near the data (saves cross-AZ transfer, needed for
   * a placement group).
   * @default - all zones of the cluster
   */
  readonly availabilityZone?: string;
  /**
   * Launch the nodes into a cluster placement group (low-latency, high-bandwidth interconnect for
   * multi-node training). Needs `availabilityZone`.
   * @default false
   */
  readonly placementGroup?: boolean;
  /**
   * Attach Elastic Fabric Adapter interfaces (as many as the smallest instance type supports) for
   * NCCL over EFA. Every instance type must support EFA.
   * @default false
   */
  readonly efa?: boolean;
}

/**
 * A pool of accelerator nodes on a cluster: elastic (down to zero), on-demand or spot, with
 * optional GPU sharing. Realised by the cluster: an EKS managed node group with scale-from-zero
 * tags on EKS.
 */
export class GpuNodePool extends Construct implements IGpuNodePool, ICostSource {
  /**
   * Accelerator nodes that already exist (on-prem, edge, or made by someone else): nothing is
   * created; serving and training can target them through the returned pool.
   */
  public static fromExistingNodes(cluster: ICluster, id: string, props: ExistingGpuNodesProps): IGpuNodePool {
    return new ExistingGpuNodes(cluster, id, props);
  }

  public readonly poolName: string;
  public readonly cluster: ICluster;
  public readonly accelerator: Accelerator;
  public readonly instanceTypes: string[];
  public readonly capacity: Capacity;
  public readonly sharing: GpuSharing;
  public readonly minNodes: number;
  public readonly maxNodes: number;
  /** Node labels of the pool; use them as a node selector. */
  public readonly nodeLabels: Record<string, string>;
  /** Taints of the pool; workloads need matching tolerations. */
  public readonly taints: Taint[];
  /** Extended resource name a container requests on this pool (`nvidia.com/gpu`, `nvidia.com/mig-1g.10gb`...). */
  public readonly resourceName: string;
  /** Schedulable units of `resourceName` per node (GPUs × sharing replicas, or MIG slices). */
  public readonly unitsPerNode: number;
  /** How the cluster realised the pool. */
  public readonly realisation: NodePoolRealisation;
  public readonly maxUnits: number;
  /** EFA interfaces per node (`efa: true`), which pods request as `vpc.amazonaws.com/efa`; 0 without EFA. */
  public readonly efaInterfacesPerNode: number;

  constructor(cluster: ICluster, id: string, props: GpuNodePoolProps) {
    super(cluster, id);
    const path = this.node.path;
    this.cluster = cluster;
    const name = validateDnsLabel(id, path, 'id');
    this.poolName = name;

    this.minNodes = props.minNodes ?? 0;
    this.maxNodes = props.maxNodes;
    if (!Number.isInteger(this.minNodes) || this.minNodes < 0) {
      throw new ConfigError(path, 'minNodes', props.minNodes, 'an integer ≥ 0 (0 scales the pool to zero)');
    }
    if (!Number.isInteger(this.maxNodes) || this.maxNodes < Math.max(1, this.minNodes)) {
      throw new ConfigError(path, 'maxNodes', props.maxNodes, `an integer ≥ max(1, minNodes = ${this.minNodes})`);
    }

    // Accelerator and instance types.
    if (!props.accelerator && !props.instanceTypes?.length) {
      throw new ConfigError(path, 'accelerator', undefined, 'an accelerator (e.g. Accelerator.NVIDIA_L4) or explicit instanceTypes');
    }
    let accelerator = props.accelerator;
    // Instance types are checked against the catalog of the cluster's cloud only.
    const cloud = cluster.cloud ?? 'aws';
    if (props.instanceTypes) {
      if (props.instanceTypes.length === 0) throw new ConfigError(path, 'instanceTypes', [], 'at least one instance type, or leave it unset');
      for (const t of props.instanceTypes) {
        const carrier = [accelerator, ...Accelerator.all()].find((a) => a?.instanceTypes(cloud).some((c) => c.name === t));
        if (!carrier) {
          throw new ConfigError(path, 'instanceTypes', t, `an accelerated ${cloud} instance type of the catalog (${cloud === 'aws' ? 'g4dn, g5, g6, g6e, p4d, p4de, p5, p5e, p5en, p6-b200, inf2, trn1, trn1n, trn2' : 'see Accelerator.instanceTypes'}), or an Accelerator.custom that lists it`);
        }
        if (accelerator && carrier.name !== accelerator.name) {
          throw new ConfigError(path, 'instanceTypes', t, `instance types carrying ${accelerator.name} (${t} carries ${carrier.name})`);
        }
        accelerator = accelerator ?? carrier;
      }
    }
    this.accelerator = accelerator!;
    const catalogTypes = this.accelerator.instanceTypes(cloud);
    const provisioner = props.provisioner ?? (cluster.capabilities.karpenter ? NodeProvisioner.KARPENTER : NodeProvisioner.MANAGED_NODE_GROUP);
    // A managed node group takes one instance shape (Cluster Autoscaler): by default the
    // accelerator's smallest type and those of the same shape; Karpenter picks among all of them.
    const first = catalogTypes[0];
    const defaultTypes = provisioner === NodeProvisioner.MANAGED_NODE_GROUP && first
      ? catalogTypes.filter((t) => t.acceleratorCount === first.acceleratorCount && t.vcpus === first.vcpus && t.memoryGiB === first.memoryGiB)
      : catalogTypes;
    this.instanceTypes = props.instanceTypes ? [...props.instanceTypes] : defaultTypes.map((t) => t.name);
    if (this.instanceTypes.length === 0) {
      throw new ConfigError(path, 'instanceTypes', undefined, `explicit instance types: the catalog knows no AWS instance type for ${this.accelerator.name}`);
    }
    const perNode = this.instanceTypes.map((t) => catalogTypes.find((c) => c.name === t)?.acceleratorCount ?? 1);
    // Sizing must hold on the smallest type the provisioner may pick.
    const devicesPerNode = Math.min(...perNode);

    this.capacity = props.capacity ?? Capacity.onDemand();
    if (this.capacity.kind === 'spot' && !catalogTypes.every((c) => !this.instanceTypes.includes(c.name) || c.spotSupported)) {
      throw new ConfigError(path, 'capacity', 'spot', `instance types that support spot (${this.instanceTypes.join(', ')} include one that does not)`);
    }
    this.sharing = props.sharing ?? GpuSharing.exclusive();
    this.sharing.validateFor(this.accelerator, path);
    this.resourceName = this.sharing.resourceName(this.accelerator);
    this.unitsPerNode = devicesPerNode * this.sharing.unitsPerGpu(this.accelerator);
    this.maxUnits = this.unitsPerNode * this.maxNodes;

    const isNvidia = this.accelerator.resourceName === 'nvidia.com/gpu';
    const os = props.os ?? (isNvidia ? NodeOs.AL2023_NVIDIA : NodeOs.AL2023_NEURON);
    if (isNvidia === (os === NodeOs.AL2023_NEURON)) {
      throw new ConfigError(path, 'os', os.name, isNvidia ? 'NodeOs.AL2023_NVIDIA or NodeOs.BOTTLEROCKET_NVIDIA for NVIDIA GPUs' : 'NodeOs.AL2023_NEURON for Neuron accelerators');
    }
    const diskGiB = props.diskGiB ?? 200;
    if (!Number.isInteger(diskGiB) || diskGiB < 20 || diskGiB > 16384) {
      throw new ConfigError(path, 'diskGiB', props.diskGiB, 'an integer from 20 to 16384 GiB');
    }

    const labels: Record<string, string> = {
      'cdktf-ai-infra/pool': name,
      'cdktf-ai-infra/accelerator': this.accelerator.name,
    };
    if (os === NodeOs.BOTTLEROCKET_NVIDIA && this.sharing.kind !== 'exclusive') {
      throw new ConfigError(path, 'sharing', this.sharing.toString(), 'GpuSharing.exclusive() on Bottlerocket (its built-in device plugin is configured through Bottlerocket settings, which this library does not manage yet); use NodeOs.AL2023_NVIDIA for shared GPUs');
    }
    if (!isNvidia) {
      // No sourced pin of the Neuron Helm chart yet (issue 16): say what the nodes need.
      Annotations.of(this).addWarning(`Neuron nodes advertise ${this.accelerator.resourceName} only with the Neuron device plugin, which this library does not install yet: `
        + 'install it on the cluster (helm upgrade --install neuron-helm-chart oci://public.ecr.aws/neuron/neuron-helm-chart, AWS Neuron docs "Amazon EKS"), or pods requesting it stay Pending.');
    }
    if (isNvidia && os === NodeOs.AL2023_NVIDIA) {
      // The AL2023 NVIDIA AMI has the driver but no device plugin: install it, with this pool's
      // sharing config, selected per node by label. `gpu.present` satisfies the chart's affinity
      // without node feature discovery. (Bottlerocket NVIDIA AMIs ship their own device plugin.)
      labels[NodeLabels.NVIDIA_GPU_PRESENT] = 'true';
      labels[NodeLabels.NVIDIA_DEVICE_PLUGIN_CONFIG] = this.sharing.configKey;
      const software = nvidiaGpuSoftware(cluster);
      software.addConfig(this.sharing.configKey, this.sharing.devicePluginConfig(this.accelerator, path)!);
      if (this.sharing.migConfig) {
        // The GPU Operator's MIG manager partitions GPUs per this label; the device plugin then
        // advertises the slices.
        labels[NodeLabels.NVIDIA_MIG_CONFIG] = this.sharing.migConfig;
        software.useMigStrategy(this.sharing.migStrategy!.value, path);
        if (!software.partitionsMig) {
          Annotations.of(this).addWarning(`MIG: nodes are labelled ${NodeLabels.NVIDIA_MIG_CONFIG}=${this.sharing.migConfig}, but nothing partitions the GPUs with the standalone device plugin: use gpuStack: GpuStack.gpuOperator() on the cluster (its MIG manager applies the label); until then nodes advertise whole GPUs, not ${this.resourceName}.`);
        }
      }
    }
    for (const [k, v] of Object.entries(props.labels ?? {})) {
      validateLabelKey(k, path, `labels.${k}`);
      validateLabelValue(v, path, `labels.${k}`);
      labels[k] = v;
    }
    this.nodeLabels = labels;
    const taints: Taint[] = [];
    if (props.acceleratorTaint ?? true) taints.push(this.accelerator.taint);
    for (const t of props.taints ?? []) {
      validateLabelKey(t.key, path, 'taints[].key');
      taints.push(t);
    }
    this.taints = taints;
    if (!taints.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) {
      // The KServe LocalModel node agent (chart kserve-localmodel-resources v0.20.0) always selects
      // this label (files/resources.yaml; the values only add to it), and its download Jobs cannot
      // run on tainted nodes: untainted pools are the ones that can cache models.
      labels[NodeLabels.KSERVE_LOCALMODEL] = KSERVE_LOCALMODEL_WORKER;
    }

    if (props.provisioner === NodeProvisioner.KARPENTER || (!props.provisioner && cluster.capabilities.karpenter)) {
      if (this.sharing.kind === 'time-slicing' || this.sharing.kind === 'mps') {
        Annotations.of(this).addWarning(`Karpenter sizes nodes by physical GPUs, not ${this.sharing.kind} replicas: pods requesting ${this.resourceName} are packed ${this.sharing.replicas} per GPU only once a node exists; limits count ${this.maxNodes * Math.max(...perNode)} GPUs.`);
      }
    }
    if (props.placementGroup && !props.availabilityZone) {
      throw new ConfigError(path, 'placementGroup', true, 'an availabilityZone as well: a cluster placement group lives in one zone');
    }
    if (props.availabilityZone !== undefined && !Token.isUnresolved(props.availabilityZone) && cluster.region
      && !props.availabilityZone.startsWith(cluster.region)) {
      throw new ConfigError(path, 'availabilityZone', props.availabilityZone, `a zone of the cluster's region ${cluster.region}, e.g. "${cluster.region}a"`);
    }
    let efaInterfaces = 0;
    if (props.efa) {
      const lacking = this.instanceTypes.filter((t) => !catalogTypes.find((c) => c.name === t)?.efaSupported);
      if (lacking.length) {
        throw new ConfigError(path, 'efa', true, `instance types that support EFA (${lacking.join(', ')} do not); drop them or set efa: false`);
      }
      efaInterfaces = Math.min(...this.instanceTypes.map((t) => catalogTypes.find((c) => c.name === t)?.maxEfaInterfaces ?? 1));
      labels['vpc.amazonaws.com/efa.present'] = 'true';
    }
    this.efaInterfacesPerNode = efaInterfaces;
    this.realisation = cluster.realiseNodePool({
      owner: this,
      provisioner: provisioner.name,
      minDevicesPerNode: devicesPerNode,
      maxDevicesPerNode: Math.max(...perNode),
      name,
      instanceTypes: this.instanceTypes,
      capacityKind: this.capacity.kind,
      fallbackToOnDemand: this.capacity.fallbackToOnDemand,
      eksCapacityType: this.capacity.eksCapacityType,
      minNodes: this.minNodes,
      maxNodes: this.maxNodes,
      labels,
      taints,
      diskGiB,
      os: os.name,
      extendedResources: {
        [this.resourceName]: String(this.unitsPerNode),
        ...(efaInterfaces ? { [ResourceNames.EFA]: String(efaInterfaces) } : {}),
      },
      availabilityZone: props.availabilityZone,
      placementGroup: props.placementGroup ?? false,
      efaInterfaces,
    });
  }

  /** Node selector for pods that must run on this pool. */
  public get nodeSelector(): Record<string, string> {
    return { 'cdktf-ai-infra/pool': this.nodeLabels['cdktf-ai-infra/pool'] };
  }

  /** Tolerations for this pool's taints (`operator: Exists`). */
  public get tolerations(): Toleration[] {
    return this.taints.map((t) => ({ key: t.key, operator: 'Exists', effect: t.effect }));
  }

  public resourceFlavor(): string {
    return ensureResourceFlavor(this.cluster, this, flavorName(this.poolName, this.capacity.kind), this.nodeSelector, this.tolerations);
  }

  /**
   * Cost of the pool's capacity (min nodes always on to max nodes always on, priced as the pool
   * buys them): read by the platform cost report.
   */
  public costEstimate(assumptions: CostAssumptions): CostLine[] {
    return estimatePoolCost(this, assumptions);
  }
}

/** Props of {@link GpuNodePool.fromExistingNodes}. */
export interface ExistingGpuNodesProps {
  /** The accelerator on those nodes. */
  readonly accelerator: Accelerator;
  /** Labels that select exactly those nodes, e.g. `{ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' }`. */
  readonly nodeSelector: Record<string, string>;
  /** Accelerator devices across all those nodes. */
  readonly gpus: number;
  /** How the devices are shared (must match the device plugin configuration on those nodes). @default GpuSharing.exclusive() */
  readonly sharing?: GpuSharing;
  /** Taints on those nodes that pods must tolerate. @default - the accelerator taint (tolerating an absent taint is harmless) */
  readonly taints?: Taint[];
  /** Capacity of those nodes (on-prem nodes are on-demand). @default Capacity.onDemand() */
  readonly capacity?: Capacity;
}

/** Accelerator nodes that exist already. @internal */
class ExistingGpuNodes extends Construct implements IGpuNodePool, ICostSource {
  public readonly poolName: string;
  public readonly cluster: ICluster;
  public readonly accelerator: Accelerator;
  public readonly capacity: Capacity;
  public readonly sharing: GpuSharing;
  public readonly resourceName: string;
  public readonly maxUnits: number;
  public readonly nodeSelector: Record<string, string>;
  public readonly tolerations: Toleration[];

  constructor(cluster: ICluster, id: string, props: ExistingGpuNodesProps) {
    super(cluster, id);
    const path = this.node.path;
    this.poolName = validateDnsLabel(id, path, 'id');
    this.cluster = cluster;
    this.accelerator = props.accelerator;
    if (!Number.isInteger(props.gpus) || props.gpus < 1) {
      throw new ConfigError(path, 'gpus', props.gpus, 'the number of accelerator devices across the selected nodes, an integer ≥ 1');
    }
    const entries = Object.entries(props.nodeSelector ?? {});
    if (entries.length === 0) {
      throw new ConfigError(path, 'nodeSelector', props.nodeSelector, 'at least one label that selects exactly the accelerator nodes, e.g. { "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB" }');
    }
    for (const [k, v] of entries) {
      validateLabelKey(k, path, `nodeSelector.${k}`);
      validateLabelValue(v, path, `nodeSelector.${k}`);
    }
    this.nodeSelector = { ...props.nodeSelector };
    this.sharing = props.sharing ?? GpuSharing.exclusive();
    this.sharing.validateFor(this.accelerator, path);
    this.resourceName = this.sharing.resourceName(this.accelerator);
    this.maxUnits = props.gpus * this.sharing.unitsPerGpu(this.accelerator);
    this.capacity = props.capacity ?? Capacity.onDemand();
    this.tolerations = (props.taints ?? [this.accelerator.taint]).map((t) => ({ key: t.key, operator: 'Exists', effect: t.effect }));
  }

  public resourceFlavor(): string {
    return ensureResourceFlavor(this.cluster, this, flavorName(this.poolName, this.capacity.kind), this.nodeSelector, this.tolerations);
  }

  /** Existing nodes: no cloud cost is estimated (one zero line that says so). */
  public costEstimate(assumptions: CostAssumptions): CostLine[] {
    return estimatePoolCost(this, assumptions);
  }
}

/** `<pool>-<capacity>`, without repeating the capacity when the pool's name already ends with it. */
function flavorName(poolName: string, capacityKind: string): string {
  return poolName.endsWith(`-${capacityKind}`) || poolName === capacityKind ? poolName : `${poolName}-${capacityKind}`;
}
