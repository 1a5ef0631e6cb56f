import { IConstruct } from 'constructs';
import { Accelerator } from '../core/accelerator';
import { Capacity } from '../core/capacity';
import { GpuSharing } from '../core/gpu-sharing';
import { ICluster } from '../platform/cluster';

/** A toleration in Kubernetes spelling. */
export interface Toleration {
  readonly key: string;
  readonly operator: string;
  readonly effect: string;
}

/**
 * What serving and training constructs need of a pool of accelerator nodes, whether this program
 * creates the nodes ({@link GpuNodePool}) or they already exist ({@link GpuNodePool.fromExistingNodes}).
 */
export interface IGpuNodePool extends IConstruct {
  /** DNS-label name of the pool. */
  readonly poolName: string;
  readonly cluster: ICluster;
  readonly accelerator: Accelerator;
  readonly capacity: Capacity;
  readonly sharing: GpuSharing;
  /** Extended resource a container requests on this pool (`nvidia.com/gpu`, `nvidia.com/mig-1g.10gb`, `aws.amazon.com/neuron`). */
  readonly resourceName: string;
  /**
   * Units of `resourceName` the pool can host at most (nodes × devices × sharing replicas or MIG
   * slices), computed on the smallest instance type the pool may get: an honest lower bound.
   */
  readonly maxUnits: number;
  /** Node selector that lands pods on this pool. */
  readonly nodeSelector: Record<string, string>;
  /** Tolerations pods need on this pool. */
  readonly tolerations: Toleration[];
  /**
   * Units of `resourceName` per node (devices × sharing replicas or MIG slices).
   * @default - not known (existing nodes)
   */
  readonly unitsPerNode?: number;
  /**
   * EFA interfaces per node that pods request as `vpc.amazonaws.com/efa` (pools with `efa: true`).
   * @default - none
   */
  readonly efaInterfacesPerNode?: number;
  /**
   * The Kueue ResourceFlavor of this pool (created on first call, with Kueue installed), so that
   * queues can give quotas per flavor (spot vs on-demand). Returns its name.
   */
  resourceFlavor(): string;
}
