import { Release } from '@cdktf/provider-helm/lib/release';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import type { HelmChartCoordinates } from './charts';

/**
 * One Helm release in a cluster's addons stack. Values are merged from every caller (for example
 * each GPU pool adds its device-plugin sharing config) and rendered lazily at synth.
 * @internal
 */
export class HelmAddon extends Construct {
  public readonly resource: Release;
  public readonly chart: HelmChartCoordinates;
  private readonly valueParts: Array<() => Record<string, unknown>> = [];

  constructor(scope: Construct, id: string, props: { releaseName: string; chart: HelmChartCoordinates; dependsOn?: HelmAddon[] }) {
    super(scope, id);
    this.chart = props.chart;
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
      dependsOn: props.dependsOn?.map((d) => d.resource),
    });
  }

  /** Add values (deep-merged, later contributions win on conflicts). */
  public addValues(produce: () => Record<string, unknown>): void {
    this.valueParts.push(produce);
  }

  /** The merged values. */
  public values(): Record<string, unknown> {
    return this.valueParts.reduce((acc, p) => deepMerge(acc, p()), {} as Record<string, unknown>);
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
