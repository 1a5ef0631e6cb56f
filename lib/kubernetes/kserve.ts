/**
 * KServe and Knative on a cluster, installed once per cluster on first use.
 *
 * Order (vendor/data/addons.md, "Install order"): cert-manager, the Knative operator, the
 * `KnativeServing` object (Ready), then the KServe controller, its runtimes and LocalModel. The
 * `KnativeServing` object needs the operator's CRD, so it is a workload object; the KServe
 * controller must start after Knative Serving runs, so its releases follow the object in the
 * workloads stack (`depends_on` the object waited to Ready). Every CRD chart (cert-manager,
 * `kserve-crd`, `kserve-localmodel-crd`, the operator, KEDA) stays in the addons stack, so that the
 * workloads stack can plan its custom resources. The controller's releases live in the workloads
 * stack even for a cluster with Standard-mode endpoints only: adding a Knative endpoint later then
 * does not move them between stacks (which would uninstall and reinstall KServe).
 */
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { dependable, Lazy, TerraformResource } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { Charts, HelmChartCoordinates } from './charts';
import { addonsScope } from './gpu-addons';
import { AddonsScope, HelmAddon } from './helm-addon';
import { knativeServingObject, KNATIVE_SERVING_NAMESPACE, localModelNodeGroupObject } from './kserve-objects';
import { emitManifest } from './manifest';
import { namespaceObject } from './objects';
import { ConfigError } from '../core/errors';
import { byKey } from '../core/naming';
import { KSERVE_LOCALMODEL_WORKER, NodeLabels } from '../core/well-known';
import type { ICluster, PermissionStatement, WorkloadIdentity } from '../platform/cluster';

/** Toleration in Kubernetes spelling. */
interface TolerationLike { readonly key: string; readonly operator: string; readonly effect: string }

/**
 * The `Addons` construct of a cluster's workloads stack: Helm releases that must follow custom
 * resources of the addons layer (the KServe controller after `KnativeServing`). Holds the
 * cluster's add-on settings, like the addons stack's.
 * @internal
 */
export function workloadsAddonsScope(cluster: ICluster): IConstruct {
  const stack = cluster.stacks.workloads;
  return stack.node.tryFindChild('Addons') ?? new AddonsScope(stack, 'Addons', cluster.addonSettings, cluster);
}

/** Get-or-create a child of `scope`. */
function child<T extends IConstruct>(scope: IConstruct, id: string, make: (s: Construct) => T): T {
  return (scope.node.tryFindChild(id) as T | undefined) ?? make(scope as Construct);
}

/** cert-manager v1.19.6 with its CRDs (KServe renders an Issuer and a Certificate). @internal */
export class CertManager extends HelmAddon {
  public static of(cluster: ICluster): CertManager {
    return child(addonsScope(cluster), 'CertManager', (s) => new CertManager(s, 'CertManager'));
  }
  private constructor(scope: Construct, id: string) {
    super(scope, id, { releaseName: 'cert-manager', chart: Charts.CERT_MANAGER });
    this.addValues(() => ({ crds: { enabled: true } }));
  }
}

/** The KServe v0.20.0 CRDs (InferenceService, ServingRuntime, ...), in the addons stack. @internal */
export class KServeCrds extends HelmAddon {
  public static of(cluster: ICluster): KServeCrds {
    return child(addonsScope(cluster), 'KServeCrd', (s) => new KServeCrds(s, 'KServeCrd', 'kserve-crd', Charts.KSERVE_CRD));
  }
  /** The LocalModelCache / LocalModelNodeGroup CRDs. */
  public static localModel(cluster: ICluster): KServeCrds {
    return child(addonsScope(cluster), 'KServeLocalModelCrd', (s) => new KServeCrds(s, 'KServeLocalModelCrd', 'kserve-localmodel-crd', Charts.KSERVE_LOCALMODEL_CRD));
  }
  private constructor(scope: Construct, id: string, releaseName: string, chart: HelmChartCoordinates) {
    super(scope, id, { releaseName, chart });
  }
}

/** The Knative operator v1.23.0 (its CRDs: KnativeServing, KnativeEventing). @internal */
export class KnativeOperator extends HelmAddon {
  public static of(cluster: ICluster): KnativeOperator {
    return child(addonsScope(cluster), 'KnativeOperator', (s) => new KnativeOperator(s, 'KnativeOperator'));
  }
  private constructor(scope: Construct, id: string) {
    super(scope, id, { releaseName: 'knative-operator', chart: Charts.KNATIVE_OPERATOR });
  }
}

/**
 * Knative Serving 1.23.0 with Kourier: the `knative-serving` namespace and the `KnativeServing`
 * object in the workloads stack, applied once the operator runs and waited on until Ready.
 * @internal
 */
export class KnativeServing extends Construct {
  public static of(cluster: ICluster): KnativeServing {
    KnativeOperator.of(cluster);
    return child(workloadsAddonsScope(cluster), 'KnativeServing', (s) => new KnativeServing(s, 'KnativeServing', cluster));
  }

  /** The `KnativeServing` manifest (escape hatch). */
  public readonly resource: Manifest;

  private constructor(scope: Construct, id: string, cluster: ICluster) {
    super(scope, id);
    // Knative's own pods meet `baseline`; warn and audit at `restricted`.
    const ns = namespaceObject(KNATIVE_SERVING_NAMESPACE, 'baseline');
    const namespace = emitManifest(this, 'Namespace', withRestrictedWarnings(ns), cluster.commonLabels);
    this.resource = emitManifest(this, 'Resource', knativeServingObject(), cluster.commonLabels);
    this.resource.dependsOn = [dependable(namespace)];
    this.resource.putWait({ condition: [{ type: 'Ready', status: 'True' }] });
    this.resource.putTimeouts({ create: '20m', update: '20m' });
  }
}

/**
 * The KServe v0.20.0 controller (`kserve-resources`, release `kserve`) in a cluster's workloads
 * stack, with cert-manager and the KServe CRDs in its addons stack. Created on first use by
 * {@link KServe.of}; Knative, the ClusterServingRuntimes and LocalModel are added on demand.
 * @internal
 */
export class KServe extends HelmAddon {
  public static of(cluster: ICluster): KServe {
    return child(workloadsAddonsScope(cluster), 'KServe', (s) => new KServe(s, 'KServe', cluster));
  }

  private readonly cluster: ICluster;
  private knative?: KnativeServing;
  private runtimes?: HelmAddon;
  private localModel?: KServeLocalModel;

  private constructor(scope: Construct, id: string, cluster: ICluster) {
    super(scope, id, { releaseName: 'kserve', chart: Charts.KSERVE });
    this.cluster = cluster;
    CertManager.of(cluster);
    KServeCrds.of(cluster);
    this.addValues(() => ({
      kserve: {
        controller: {
          // Each InferenceService names its mode; this is only the default for ones that do not.
          deploymentMode: this.knative ? 'Knative' : 'Standard',
          gateway: {
            // Kourier, not Istio: no VirtualService (KServe admin-guide/serverless/kourier-networking).
            disableIstioVirtualHost: true,
            // Standard-mode endpoints stay cluster-internal (no Istio ingress class to create one for).
            disableIngressCreation: true,
          },
        },
        ...(this.localModel ? { localmodel: { enabled: true } } : {}),
      },
    }));
  }

  /** Knative Serving for Knative-mode endpoints; the controller then waits for it. */
  public useKnative(): KnativeServing {
    if (!this.knative) {
      this.knative = KnativeServing.of(this.cluster);
      if (this.resource) this.resource.dependsOn = [...(this.resource.dependsOn ?? []), dependable(this.knative.resource)];
    }
    return this.knative;
  }

  /** KServe's ClusterServingRuntimes (`kserve-runtime-configs` with `kserve.servingruntime.enabled=true`). */
  public useClusterRuntimes(): HelmAddon {
    if (!this.runtimes) {
      const runtimes = new HelmAddon(this.node.scope as Construct, 'KServeRuntimes', { releaseName: 'kserve-runtimes', chart: Charts.KSERVE_RUNTIMES, dependsOn: [this] });
      runtimes.addValues(() => ({ kserve: { servingruntime: { enabled: true } } }));
      this.runtimes = runtimes;
    }
    return this.runtimes;
  }

  /** KServe LocalModel (CRDs in the addons stack, controller and node agent here). */
  public useLocalModel(): KServeLocalModel {
    if (!this.localModel) {
      KServeCrds.localModel(this.cluster);
      this.localModel = new KServeLocalModel(this.node.scope as Construct, 'KServeLocalModel', this, this.cluster);
    }
    return this.localModel;
  }

  /** The releases an InferenceService (and its runtime) must be created after. */
  public dependables(): TerraformResource[] {
    return [this, this.runtimes, this.localModel].flatMap((a) => (a?.resource ? [a.resource] : []));
  }
}

/**
 * KServe LocalModel controller and node agent (`kserve-localmodel-resources`), with one
 * LocalModelNodeGroup per GPU pool that caches models.
 *
 * Values at v0.20.0 (vendor/charts/kserve-localmodel-resources/v0.20.0/values.yaml and the chart's
 * `files/daemonset-patch.yaml`): the node agent DaemonSet takes
 * `kserve.localmodelnode.controller.{nodeSelector,affinity,tolerations}`. Its base manifest
 * (`files/resources.yaml`) selects `kserve/localmodel: worker` and the chart deep-merges the values
 * into it, so that selector always stays: the pools that cache carry that label (GpuNodePool adds
 * it to untainted pools), and node affinity keeps the agent on those pools. Download Jobs get no
 * tolerations (localmodelnode/controller.go), so only untainted pools cache (see WarmStart).
 * @internal
 */
export class KServeLocalModel extends HelmAddon {
  private readonly cluster: ICluster;
  private readonly pools = new Map<string, { nodeSelector: Record<string, string>; tolerations: TolerationLike[]; modelsGiB: Map<string, number> }>();
  private downloadsGrantedBy?: string;

  constructor(scope: Construct, id: string, kserve: KServe, cluster: ICluster) {
    super(scope, id, { releaseName: 'kserve-localmodel', chart: Charts.KSERVE_LOCALMODEL, dependsOn: [kserve] });
    this.cluster = cluster;
    this.addValues(() => {
      const pools = [...this.pools.values()];
      const tolerations = uniqueBy(pools.flatMap((p) => p.tolerations), (t) => `${t.key}/${t.operator}/${t.effect}`);
      return {
        kserve: {
          localmodelnode: {
            controller: {
              nodeSelector: { [NodeLabels.KSERVE_LOCALMODEL]: KSERVE_LOCALMODEL_WORKER },
              affinity: {
                nodeAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: pools.map((p) => ({
                      matchExpressions: Object.entries(p.nodeSelector).sort(byKey).map(([key, value]) => ({ key, operator: 'In', values: [value] })),
                    })),
                  },
                },
              },
              tolerations,
            },
          },
        },
      };
    });
  }

  /**
   * The model read permissions of a cache's download Jobs. KServe v0.20.0 starts them without a
   * service account name, so they run as the `default` service account of the job namespace:
   * with EKS Pod Identity that account gets the role (one association per service account, so
   * one cached endpoint with private model reads per cluster). Returns the identity.
   */
  public grantDownloads(owner: IConstruct, jobNamespace: string, statements: PermissionStatement[]): WorkloadIdentity {
    const path = owner.node.path;
    if (this.downloadsGrantedBy) {
      throw new ConfigError(path, 'warmStart.cacheModel', true,
        `one cached endpoint with private model reads per cluster (${this.downloadsGrantedBy} has it): KServe v0.20.0 LocalModel download Jobs all run as ${jobNamespace}/default, which can hold one role; set cacheModel: false on one of them`);
    }
    this.downloadsGrantedBy = path;
    return this.cluster.grantWorkload(owner, jobNamespace, 'default', statements);
  }

  /**
   * The LocalModelNodeGroup of a pool (created once, in the workloads stack), sized lazily to the
   * models cached on it plus 25 % headroom. Returns its name.
   */
  public nodeGroup(
    poolName: string, nodeSelector: Record<string, string>, tolerations: TolerationLike[], modelKey: string, modelSizeGiB: number,
  ): { name: string; resource: Manifest } {
    let pool = this.pools.get(poolName);
    if (!pool) {
      pool = { nodeSelector: { ...nodeSelector }, tolerations: tolerations.map((t) => ({ ...t })), modelsGiB: new Map() };
      this.pools.set(poolName, pool);
    }
    pool.modelsGiB.set(modelKey, Math.max(modelSizeGiB, pool.modelsGiB.get(modelKey) ?? 0));
    const groups = child(this.node.scope!, 'LocalModelNodeGroups', (s) => new Construct(s, 'LocalModelNodeGroups'));
    const name = poolName;
    let resource = groups.node.tryFindChild(name) as Manifest | undefined;
    if (!resource) {
      const models = pool.modelsGiB;
      const storage = Lazy.stringValue({ produce: () => `${Math.max(10, Math.ceil([...models.values()].reduce((a, b) => a + b, 0) * 1.25))}Gi` });
      resource = emitManifest(groups, name, localModelNodeGroupObject(name, storage, nodeSelector), this.cluster.commonLabels);
      if (this.resource) resource.dependsOn = [dependable(this.resource)];
    }
    return { name, resource };
  }
}

/** Enforce the namespace's own level, audit and warn at `restricted`. @internal */
export function withRestrictedWarnings(ns: ReturnType<typeof namespaceObject>): ReturnType<typeof namespaceObject> {
  return {
    ...ns,
    metadata: {
      ...ns.metadata,
      labels: { ...ns.metadata.labels, 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' },
    },
  };
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const i of items) if (!seen.has(key(i))) seen.set(key(i), i);
  return [...seen.values()];
}
