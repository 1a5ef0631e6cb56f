import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { cpuMillis, formatCpu, formatMemory, memoryBytes } from './quantity';
import type { IGpuNodePool } from '../compute/pool';
import { ConfigError } from '../core/errors';
import { validateDnsLabel, validateDnsSubdomain } from '../core/naming';
import { clusterQueueObject, Kueue } from '../kubernetes/kueue';
import { emitManifest } from '../kubernetes/manifest';
import { ICluster, Layer } from '../platform/cluster';

/** Whether a construct is a cluster. */
function isCluster(x: unknown): boolean {
  return typeof (x as any)?.scopeFor === 'function' && typeof (x as any)?.grantWorkload === 'function' && (x as any)?.stacks !== undefined;
}

/** Quota of one accelerator pool in a {@link TrainingQueue}. */
export interface QueueQuota {
  /** The pool (its Kueue ResourceFlavor). */
  readonly pool: IGpuNodePool;
  /** Accelerator units (of the pool's `resourceName`) the queue is guaranteed. */
  readonly gpus: number;
  /**
   * Units the queue may borrow from its cohort on top of `gpus`.
   * @default - no limit within the cohort (none without a cohort)
   */
  readonly borrowingLimit?: number;
  /** Units of `gpus` the queue lends to its cohort at most. @default - all unused units */
  readonly lendingLimit?: number;
  /** CPU quota on this flavor. @default - `gpus` × the largest CPU request per unit of the gangs using the queue (8 per unit without one) */
  readonly cpu?: string;
  /** Memory quota on this flavor. @default - `gpus` × the largest memory request per unit of the gangs using the queue (64Gi per unit without one) */
  readonly memory?: string;
}

/** Props of {@link TrainingQueue}. */
export interface TrainingQueueProps {
  /** ClusterQueue name. @default - the construct id */
  readonly queueName?: string;
  /**
   * Cohort of ClusterQueues that lend each other unused quota (cohort borrowing); lent quota is
   * reclaimed by preemption when its owner needs it.
   * @default - none: the queue never borrows or lends
   */
  readonly cohort?: string;
  /** Quotas per pool, most preferred first (for example spot before on-demand). */
  readonly quotas: QueueQuota[];
}

interface Demand { readonly pool: IGpuNodePool; readonly cpuPerUnit: number; readonly memoryPerUnit: number }

/**
 * A Kueue ClusterQueue for a team or a namespace: GPU quotas per pool flavor (spot and on-demand
 * flavors come from the pools), optional cohort borrowing. Pipelines submit to it through a
 * LocalQueue in their namespace; only those namespaces are admitted.
 */
export class TrainingQueue extends Construct {
  /** ClusterQueue name. */
  public readonly queueName: string;
  public readonly cohort?: string;
  public readonly cluster: ICluster;
  public readonly quotas: QueueQuota[];
  private readonly namespaces = new Set<string>();
  private readonly demands: Demand[] = [];

  /**
   * @param scope the cluster (or a construct inside it, such as a pipeline) whose Kueue admits the workloads
   */
  constructor(scope: Construct, id: string, props: TrainingQueueProps) {
    super(scope, id);
    const path = this.node.path;
    const cluster = [...this.node.scopes].reverse().find((s) => isCluster(s)) as ICluster | undefined;
    if (!cluster) throw new ConfigError(path, 'scope', scope.node.path, 'a cluster, or a construct inside one');
    this.cluster = cluster;
    this.queueName = validateDnsLabel(props.queueName ?? id, path, 'queueName');
    if (props.cohort !== undefined) validateDnsSubdomain(props.cohort, path, 'cohort');
    this.cohort = props.cohort;
    if (!props.quotas?.length) {
      throw new ConfigError(path, 'quotas', props.quotas, 'at least one quota, e.g. [{ pool: h100, gpus: 16 }]');
    }
    const seen = new Set<string>();
    props.quotas.forEach((q, i) => {
      const f = `quotas[${i}]`;
      if (q.pool.cluster !== cluster) {
        throw new ConfigError(path, `${f}.pool`, q.pool.node.path, `a pool of cluster ${cluster.node.path} (a ClusterQueue admits workloads of its own cluster only)`);
      }
      if (seen.has(q.pool.node.path)) throw new ConfigError(path, `${f}.pool`, q.pool.node.path, 'each pool once');
      seen.add(q.pool.node.path);
      for (const [k, v] of [['gpus', q.gpus], ['borrowingLimit', q.borrowingLimit], ['lendingLimit', q.lendingLimit]] as const) {
        if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new ConfigError(path, `${f}.${k}`, v, 'an integer ≥ 0');
      }
      if (q.gpus > q.pool.maxUnits) {
        throw new ConfigError(path, `${f}.gpus`, q.gpus, `at most the pool's capacity (${q.pool.maxUnits} ${q.pool.resourceName} on ${q.pool.node.path}): a quota beyond it can never be used`);
      }
      if (!props.cohort && (q.borrowingLimit !== undefined || q.lendingLimit !== undefined)) {
        throw new ConfigError(path, `${f}.borrowingLimit/lendingLimit`, { borrowingLimit: q.borrowingLimit, lendingLimit: q.lendingLimit }, 'a cohort: borrowing and lending happen between the ClusterQueues of a cohort');
      }
      if (q.lendingLimit !== undefined && q.lendingLimit > q.gpus) {
        throw new ConfigError(path, `${f}.lendingLimit`, q.lendingLimit, `at most gpus (${q.gpus})`);
      }
      if (q.cpu !== undefined) cpuMillis(q.cpu, path, `${f}.cpu`);
      if (q.memory !== undefined) memoryBytes(q.memory, path, `${f}.memory`);
      const resources = new Set(props.quotas.map((x) => x.pool.resourceName));
      if (resources.size > 1) {
        throw new ConfigError(path, 'quotas', [...resources], 'pools advertising one resource name (one resource group covers cpu, memory and the accelerator); use one queue per resource');
      }
    });
    this.quotas = [...props.quotas];
    Kueue.of(cluster);
    const flavors = this.quotas.map((q) => q.pool.resourceFlavor());
    const resourceName = this.quotas[0].pool.resourceName;
    emitManifest(cluster.scopeFor(Layer.WORKLOADS, this), 'ClusterQueue', {
      ...clusterQueueObject(this.queueName, { coveredResources: [], flavors: [], namespaces: [] }),
      spec: Lazy.anyValue({
        produce: () => clusterQueueObject(this.queueName, {
          cohort: this.cohort,
          coveredResources: ['cpu', 'memory', resourceName],
          namespaces: [...this.namespaces],
          flavors: this.quotas.map((q, i) => {
            const d = this.demands.filter((x) => x.pool === q.pool);
            const cpuPerUnit = Math.max(0, ...d.map((x) => x.cpuPerUnit)) || 8000;
            const memPerUnit = Math.max(0, ...d.map((x) => x.memoryPerUnit)) || 64 * 2 ** 30;
            const borrow = q.borrowingLimit;
            return {
              flavor: flavors[i],
              resources: [
                { name: 'cpu', nominalQuota: q.cpu ?? formatCpu(cpuPerUnit * q.gpus), ...(borrow !== undefined ? { borrowingLimit: formatCpu(cpuPerUnit * borrow) } : {}) },
                { name: 'memory', nominalQuota: q.memory ?? formatMemory(memPerUnit * q.gpus), ...(borrow !== undefined ? { borrowingLimit: formatMemory(memPerUnit * borrow) } : {}) },
                {
                  name: resourceName,
                  nominalQuota: String(q.gpus),
                  ...(borrow !== undefined ? { borrowingLimit: String(borrow) } : {}),
                  ...(q.lendingLimit !== undefined ? { lendingLimit: String(q.lendingLimit) } : {}),
                },
              ],
            };
          }),
        }).spec,
      }),
    } as any, cluster.commonLabels);
  }

  /** The quota of `pool`, if the queue has one. */
  public quotaFor(pool: IGpuNodePool): QueueQuota | undefined {
    return this.quotas.find((q) => q.pool === pool);
  }

  /**
   * Most units one workload on `pool` can be admitted with: the nominal quota plus the borrowing
   * limit, or undefined when borrowing is unlimited within a cohort (then the pool bounds it).
   */
  public capacityFor(pool: IGpuNodePool): number | undefined {
    const q = this.quotaFor(pool);
    if (!q) return 0;
    if (!this.cohort) return q.gpus;
    return q.borrowingLimit === undefined ? undefined : q.gpus + q.borrowingLimit;
  }

  /** @internal Admit a namespace and record the per-unit CPU/memory of a gang on a pool. */
  public _use(namespace: string, pool: IGpuNodePool, cpuPerUnit: number, memoryPerUnit: number): void {
    this.namespaces.add(namespace);
    this.demands.push({ pool, cpuPerUnit, memoryPerUnit });
  }
}
