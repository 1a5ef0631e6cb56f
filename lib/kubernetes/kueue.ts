import { Construct } from 'constructs';
import { Charts } from './charts';
import { addonsScope } from './gpu-addons';
import { HelmAddon } from './helm-addon';
import { emitManifest, KubernetesObject } from './manifest';
import type { Toleration } from '../compute/pool';
import type { ICluster } from '../platform/cluster';
import { Layer } from '../platform/cluster';

/**
 * Integrations of the Kueue v0.19.2 chart's default `Configuration` (kubernetes-sigs/kueue v0.19.2
 * `charts/kueue/values.yaml`, listed in vendor/data/addons.md). An override of
 * `managerConfig.controllerManagerConfigYaml` replaces the whole document, so it must keep them.
 */
export const KUEUE_DEFAULT_FRAMEWORKS = [
  'batch/job', 'kubeflow.org/mpijob', 'ray.io/rayjob', 'ray.io/rayservice', 'ray.io/raycluster', 'jobset.x-k8s.io/jobset',
  'trainer.kubeflow.org/trainjob', 'pod', 'deployment', 'statefulset', 'leaderworkerset.x-k8s.io/leaderworkerset',
] as const;

/** All-or-nothing admission settings (`waitForPodsReady` of the v1beta2 `Configuration`). */
export interface WaitForPodsReadyOptions {
  /** Seconds an admitted workload may take until all its pods are ready; then it is evicted and requeued. */
  readonly timeoutSeconds: number;
  /** Seconds a workload whose pods were ready may stay not ready (a lost spot node) before it is requeued. */
  readonly recoveryTimeoutSeconds: number;
}

/**
 * Kueue on a cluster (one Helm release in its addons stack), created on first use.
 * @internal
 */
export class Kueue extends HelmAddon {
  public static of(cluster: ICluster): Kueue {
    const scope = addonsScope(cluster);
    return (scope.node.tryFindChild('Kueue') as Kueue | undefined) ?? new Kueue(scope as Construct, 'Kueue');
  }

  private waitForPodsReady?: WaitForPodsReadyOptions;

  private constructor(scope: Construct, id: string) {
    super(scope, id, { releaseName: 'kueue', chart: Charts.KUEUE });
    this.addValues(() => (this.waitForPodsReady ? { managerConfig: { controllerManagerConfigYaml: this.configurationYaml() } } : {}));
  }

  /**
   * Turn on all-or-nothing admission: an admitted workload whose pods are not all ready within
   * the timeout is evicted and requeued, so that a gang never holds half its GPUs. Several callers
   * merge to the longest timeouts. The chart's configuration is replaced as a whole (the chart
   * keeps it in one string), so every default of Kueue v0.19.2 is written back with it.
   */
  public requireAllOrNothing(options: WaitForPodsReadyOptions): void {
    const prev = this.waitForPodsReady;
    this.waitForPodsReady = {
      timeoutSeconds: Math.max(prev?.timeoutSeconds ?? 0, options.timeoutSeconds),
      recoveryTimeoutSeconds: Math.max(prev?.recoveryTimeoutSeconds ?? 0, options.recoveryTimeoutSeconds),
    };
  }

  /** The all-or-nothing settings asked for, if any. */
  public get allOrNothing(): WaitForPodsReadyOptions | undefined {
    return this.waitForPodsReady;
  }

  /**
   * The `config.kueue.x-k8s.io/v1beta2` Configuration: the v0.19.2 chart defaults plus
   * `waitForPodsReady` (v1beta2 has no `enable` field: its presence turns it on). JSON is YAML.
   */
  public configurationYaml(): string {
    const w = this.waitForPodsReady!;
    return JSON.stringify({
      apiVersion: 'config.kueue.x-k8s.io/v1beta2',
      kind: 'Configuration',
      health: { healthProbeBindAddress: ':8081' },
      metrics: { bindAddress: ':8443' },
      webhook: { port: 9443 },
      leaderElection: { leaderElect: true, resourceName: 'c1f6bfd2.kueue.x-k8s.io' },
      controller: {
        groupKindConcurrency: {
          'Job.batch': 5,
          'Pod': 5,
          'Workload.kueue.x-k8s.io': 5,
          'LocalQueue.kueue.x-k8s.io': 1,
          'ClusterQueue.kueue.x-k8s.io': 1,
          'ResourceFlavor.kueue.x-k8s.io': 1,
        },
      },
      clientConnection: { qps: 50, burst: 100 },
      waitForPodsReady: {
        timeout: `${w.timeoutSeconds}s`,
        recoveryTimeout: `${w.recoveryTimeoutSeconds}s`,
        // Admit one gang at a time until its pods are ready: two half-started gangs cannot deadlock.
        blockAdmission: true,
        // Requeue after eviction with exponential backoff, without a limit (spot capacity returns).
        requeuingStrategy: { timestamp: 'Eviction', backoffBaseSeconds: 60, backoffMaxSeconds: 3600 },
      },
      integrations: { frameworks: [...KUEUE_DEFAULT_FRAMEWORKS] },
    }, null, 2);
  }
}

/** A `kueue.x-k8s.io/v1beta2` ResourceFlavor selecting a pool's nodes and tolerating its taints. */
export function resourceFlavorObject(name: string, nodeLabels: Record<string, string>, tolerations: Toleration[]): KubernetesObject {
  return {
    apiVersion: 'kueue.x-k8s.io/v1beta2',
    kind: 'ResourceFlavor',
    metadata: { name },
    spec: { nodeLabels, ...(tolerations.length ? { tolerations } : {}) },
  };
}

/**
 * The ResourceFlavor of a pool in its cluster's workloads stack (created once), with Kueue
 * installed in the addons stack.
 * @internal
 */
export function ensureResourceFlavor(
  cluster: ICluster, owner: Construct, name: string, nodeLabels: Record<string, string>, tolerations: Toleration[],
): string {
  Kueue.of(cluster);
  const scope = cluster.scopeFor(Layer.WORKLOADS, owner);
  if (!scope.node.tryFindChild('ResourceFlavor')) {
    emitManifest(scope, 'ResourceFlavor', resourceFlavorObject(name, nodeLabels, tolerations), cluster.commonLabels);
  }
  return name;
}

/** Quota of one flavor in a ClusterQueue: resource name → nominal quota (and optional limits). */
export interface FlavorQuotaSpec {
  /** ResourceFlavor name. */
  readonly flavor: string;
  /** Per resource (in `coveredResources` order): nominal quota and optional borrowing / lending limits (Kubernetes quantities). */
  readonly resources: Array<{ name: string; nominalQuota: string; borrowingLimit?: string; lendingLimit?: string }>;
}

/** Options of {@link clusterQueueObject}. */
export interface ClusterQueueSpec {
  /** Cohort whose members lend each other unused quota. */
  readonly cohort?: string;
  /** Resources every flavor gives quota for, e.g. `['cpu', 'memory', 'nvidia.com/gpu']`. */
  readonly coveredResources: string[];
  /** Flavors, most preferred first (Kueue tries them in order). */
  readonly flavors: FlavorQuotaSpec[];
  /** Only these namespaces may submit to the queue (through their LocalQueues). */
  readonly namespaces: string[];
}

/**
 * A `kueue.x-k8s.io/v1beta2` ClusterQueue: one resource group covering every resource a gang
 * requests, flavors in preference order, reclaim of lent quota and priority preemption inside it.
 */
export function clusterQueueObject(name: string, spec: ClusterQueueSpec): KubernetesObject {
  return {
    apiVersion: 'kueue.x-k8s.io/v1beta2',
    kind: 'ClusterQueue',
    metadata: { name },
    spec: {
      ...(spec.cohort ? { cohortName: spec.cohort } : {}),
      // No namespace yet: a selector matching none (every namespace carries its name label).
      namespaceSelector: spec.namespaces.length
        ? { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...spec.namespaces].sort() }] }
        : { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'DoesNotExist' }] },
      queueingStrategy: 'BestEffortFIFO',
      resourceGroups: [{
        coveredResources: spec.coveredResources,
        flavors: spec.flavors.map((f) => ({
          name: f.flavor,
          resources: f.resources.map((r) => ({
            name: r.name,
            nominalQuota: r.nominalQuota,
            ...(spec.cohort && r.borrowingLimit !== undefined ? { borrowingLimit: r.borrowingLimit } : {}),
            ...(spec.cohort && r.lendingLimit !== undefined ? { lendingLimit: r.lendingLimit } : {}),
          })),
        })),
      }],
      preemption: {
        reclaimWithinCohort: spec.cohort ? 'Any' : 'Never',
        withinClusterQueue: 'LowerPriority',
      },
    },
  };
}

/** A `kueue.x-k8s.io/v1beta2` LocalQueue: the namespace's entry to a ClusterQueue. */
export function localQueueObject(name: string, namespace: string, clusterQueue: string): KubernetesObject {
  return {
    apiVersion: 'kueue.x-k8s.io/v1beta2',
    kind: 'LocalQueue',
    metadata: { name, namespace },
    spec: { clusterQueue },
  };
}

/** A `kueue.x-k8s.io/v1beta2` WorkloadPriorityClass (cluster-scoped; workloads pick it by label). */
export function workloadPriorityClassObject(name: string, value: number, description: string): KubernetesObject {
  return {
    apiVersion: 'kueue.x-k8s.io/v1beta2',
    kind: 'WorkloadPriorityClass',
    metadata: { name },
    value,
    description,
  };
}
