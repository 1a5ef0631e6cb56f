import { Release } from '@cdktf/provider-helm/lib/release';
import { Annotations, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import type { HelmChartCoordinates } from './charts';
import { compatibilityOf, describeRange, supportsMinor } from './compatibility';
import { ConfigError } from '../core/errors';
import type { ICluster } from '../platform/cluster';

/**
 * One Helm release in a cluster's addons stack. Values are merged from every caller (for example
 * each GPU pool adds its device-plugin sharing config) and rendered lazily at synth.
 * @internal
 */
export class HelmAddon extends Construct {
  /** The helm_release, or undefined when the cluster's settings disable this add-on. */
  public readonly resource?: Release;
  public readonly chart: HelmChartCoordinates;
  public readonly releaseName: string;
  private readonly valueParts: Array<() => Record<string, unknown>> = [];
  private readonly userValues: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: { releaseName: string; chart: HelmChartCoordinates; dependsOn?: HelmAddon[] }) {
    super(scope, id);
    this.chart = props.chart;
    this.releaseName = props.releaseName;
    const settings = scope instanceof AddonsScope ? scope.settings[props.releaseName] : undefined;
    this.userValues = settings?.values ?? {};
    if (settings?.enabled === false) return;
    if (scope instanceof AddonsScope && scope.cluster) checkCompatibility(this, props.releaseName, scope.cluster, props.chart);
    this.resource = new Release(this, 'Resource', {
      name: props.releaseName,
      repository: props.chart.repository,
      chart: props.chart.chart,
      version: props.chart.version,
      namespace: props.chart.namespace,
      createNamespace: true,
      atomic: true,
      wait: true,
      timeout: 900,
      // JSON is YAML: one values document, merged from every contributor.
      values: [Lazy.stringValue({ produce: () => JSON.stringify(this.values()) })],
      dependsOn: props.dependsOn?.flatMap((d) => (d.resource ? [d.resource] : [])),
    });
  }

  /** Add values (deep-merged; user overrides from the cluster's addon settings always win). */
  public addValues(produce: () => Record<string, unknown>): void {
    this.valueParts.push(produce);
  }

  /** The merged values. */
  public values(): Record<string, unknown> {
    const ours = this.valueParts.reduce((acc, p) => deepMerge(acc, p()), {} as Record<string, unknown>);
    return deepMerge(ours, this.userValues);
  }
}

/** Per add-on settings of a cluster: keyed by Helm release name. */
export interface AddonSettings {
  /**
   * Install this add-on. Set false when the cluster already runs it (for example a GPU Operator
   * that brings its own device plugin): objects that need it are still emitted.
   * @default true
   */
  readonly enabled?: boolean;
  /** Helm values merged over ours (yours win). @default - none */
  readonly values?: Record<string, unknown>;
}

/** Release names of the add-ons this library installs when a construct needs them. */
export const KNOWN_ADDONS = [
  'nvidia-device-plugin', 'cluster-autoscaler', 'kueue', 'karpenter-crd', 'karpenter', 'cert-manager',
  'kserve-crd', 'kserve', 'kserve-runtimes', 'kserve-localmodel-crd', 'kserve-localmodel', 'knative-operator',
  'keda', 'jobset', 'kuberay', 'argo-workflows', 'argo-events', 'dcgm-exporter', 'prometheus-operator-crds',
  'kube-prometheus-stack', 'gpu-operator', 'metrics-server', 'aws-efa-k8s-device-plugin',
] as const;

/**
 * The `Addons` construct of a cluster's addons (or workloads) stack: holds the cluster's add-on
 * settings, and the cluster whose Kubernetes version each chart is checked against.
 * @internal
 */
export class AddonsScope extends Construct {
  constructor(scope: Construct, id: string, public readonly settings: Record<string, AddonSettings>, public readonly cluster?: ICluster) {
    super(scope, id);
  }
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Check a chart against the cluster's Kubernetes version with the compatibility table: a
 * ConfigError (enforcement `error`) or a warning (`warning`) outside the component's range; an
 * info naming the range when the cluster's version is not known. Charts not in the table (added
 * with addHelmChart) are the user's to check.
 */
function checkCompatibility(addon: Construct, releaseName: string, cluster: ICluster, chart: HelmChartCoordinates): void {
  const row = compatibilityOf(chart);
  if (!row) return;
  const range = describeRange(row);
  const version = cluster.kubernetesVersion;
  if (!version) {
    if (row.minMinor !== undefined || row.maxMinor !== undefined) {
      Annotations.of(addon).addInfo(`${row.component} needs Kubernetes ${range} (${row.source}); ${cluster.node.path} does not declare its version, so this is not checked: set ${cluster.kubernetesVersionField}`);
    }
    return;
  }
  if (supportsMinor(row, version.minor)) return;
  const what = `${row.component} (chart ${chart.chart} ${chart.version}) supports Kubernetes ${range}`;
  if (row.enforcement === 'error') {
    const how = cluster.kubernetesVersionField === 'version' ? 'create the cluster with version: KubernetesVersion.of(...)' : 'upgrade the cluster and declare its kubernetesVersion';
    throw new ConfigError(cluster.node.path, cluster.kubernetesVersionField, version.version,
      `Kubernetes ${range}: ${what} (${row.source}), and a construct on this cluster installs it; ${how} in that range, or set addons: { "${releaseName}": { enabled: false } } if the cluster runs a compatible one already`);
  }
  Annotations.of(addon).addWarning(`${what}, not ${version.version} (${row.source}): untested there upstream`);
}
