/**
 * Helm ignores value keys a chart does not read, silently. This check reads every `helm_release`
 * the library writes and compares the values it sets with the pinned chart's own `values.yaml`
 * (vendor/charts/<chart>/<version>/, see SOURCES.md there), and validates the values Helm would
 * compute (chart defaults deep-merged with ours) against the chart's `values.schema.json` where
 * it ships one (and a subchart's, under its alias).
 *
 * A path we set must exist in the chart's defaults, except below an open key:
 * - a key whose default is an empty map (`podAnnotations: {}`, `nodeSelector: {}`, `extraArgs: {}`)
 *   or null: the chart passes whatever we give through;
 * - {@link KUBERNETES_FIELDS}: keys that carry a Kubernetes API object or list into the rendered
 *   manifests (affinity, tolerations, resources, securityContext, ...). Their inner keys are
 *   Kubernetes', not the chart's, even where the chart has a non-empty default (for example the
 *   device plugin's default `affinity`);
 * - {@link OPEN_PATHS}: chart keys documented as free-form maps with a non-empty default, each with
 *   its reason.
 * `global` is Helm's and always allowed; a subchart's keys are checked under its alias against the
 * subchart's values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import * as yaml from 'yaml';
import { resourcesOf, Synthesized } from './synth';

export const VENDOR_CHARTS = path.resolve(__dirname, '..', '..', 'vendor', 'charts');

/** Keys whose value is a Kubernetes API object or list, passed through to the manifests. */
export const KUBERNETES_FIELDS = new Set([
  'affinity', 'tolerations', 'nodeSelector', 'resources', 'securityContext', 'podSecurityContext', 'containerSecurityContext',
  'annotations', 'labels', 'podAnnotations', 'podLabels', 'env', 'extraEnv', 'topologySpreadConstraints',
]);

/** Chart keys with a non-empty default that are free-form maps (chart → dotted path → reason). */
export const OPEN_PATHS: Record<string, Record<string, string>> = {
  'cluster-autoscaler': {
    extraArgs: 'any cluster-autoscaler flag as name: value (values.yaml: "Refer to ... FAQ.md#what-are-the-parameters-to-ca for the full list"); its default holds logtostderr, stderrthreshold, v',
  },
};

/** A problem found in one release's values. */
export interface ValuesProblem {
  readonly release: string;
  readonly chart: string;
  readonly path: string;
  readonly problem: string;
}

interface ChartFiles {
  readonly defaults: Record<string, unknown>;
  readonly schema?: ValidateFunction;
  /** alias → subchart files. */
  readonly subcharts: Record<string, ChartFiles>;
}

const cache = new Map<string, ChartFiles | undefined>();

/** The vendored files of a chart at a version (undefined when not vendored). */
export function chartFiles(chart: string, version: string): ChartFiles | undefined {
  const key = `${chart}@${version}`;
  if (cache.has(key)) return cache.get(key);
  const dir = path.join(VENDOR_CHARTS, chart, version);
  let files: ChartFiles | undefined;
  if (fs.existsSync(path.join(dir, 'values.yaml'))) {
    // knative-operator's values.yaml holds `{{ tag }}` placeholders its release script renders
    // (SOURCES.md note 3).
    const text = fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8').replace(/\{\{ tag \}\}/g, version).replace(/\{\{ version \}\}/g, version.replace(/^v/, ''));
    const defaults = (yaml.parse(text) ?? {}) as Record<string, unknown>;
    const schemaFile = path.join(dir, 'values.schema.json');
    let schema: ValidateFunction | undefined;
    if (fs.existsSync(schemaFile)) {
      const json = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
      const ajv = String(json.$schema ?? '').includes('2020-12') ? new Ajv2020({ allErrors: true, strict: false, logger: false }) : new Ajv({ allErrors: true, strict: false, logger: false });
      schema = ajv.compile(json);
    }
    const subcharts: Record<string, ChartFiles> = {};
    const chartYaml = ['Chart.yaml', 'Chart.template.yaml'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    const deps: Array<{ name: string; alias?: string; version: string }> = chartYaml ? (yaml.parse(fs.readFileSync(chartYaml, 'utf8')).dependencies ?? []) : [];
    for (const d of deps) {
      const sub = chartFiles(d.name, d.version);
      if (sub) subcharts[d.alias ?? d.name] = sub;
    }
    files = { defaults, schema, subcharts };
  }
  cache.set(key, files);
  return files;
}

function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Helm's coalescing of user values over chart defaults (maps merge, null deletes, the rest replaces). */
export function coalesce(defaults: Record<string, unknown>, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = coalesce(out[k] as Record<string, unknown>, v);
    else out[k] = v;
  }
  return out;
}

/** Paths of `values` that the chart (with its subcharts) does not define. */
export function unknownValuePaths(chart: string, files: ChartFiles, values: Record<string, unknown>): string[] {
  const open = OPEN_PATHS[chart] ?? {};
  const out: string[] = [];
  const walk = (value: Record<string, unknown>, defaults: unknown, prefix: string, sub: ChartFiles | undefined) => {
    for (const [k, v] of Object.entries(value)) {
      const p = prefix ? `${prefix}.${k}` : k;
      if (!prefix && k === 'global') continue;
      if (KUBERNETES_FIELDS.has(k) || open[p]) continue;
      let d = isMap(defaults) ? defaults[k] : undefined;
      let nextSub = sub;
      if (!prefix && files.subcharts[k]) {
        nextSub = files.subcharts[k];
        d = coalesce(nextSub.defaults, isMap(d) ? d : {});
      }
      const known = isMap(defaults) && k in defaults || (!prefix && k in files.subcharts);
      if (!known) {
        out.push(p);
        continue;
      }
      if (d === null || (isMap(d) && Object.keys(d).length === 0)) continue; // open: null or empty-map default
      if (isMap(v) && isMap(d)) walk(v, d, p, nextSub);
    }
  };
  walk(values, files.defaults, '', undefined);
  return out;
}

/** Every problem in the values of every helm_release of `synth` whose chart is vendored. */
export function chartValuesProblems(synth: Synthesized): ValuesProblem[] {
  const problems: ValuesProblem[] = [];
  for (const stack of synth.stacks) {
    for (const r of Object.values<any>(resourcesOf(stack, 'helm_release'))) {
      problems.push(...releaseValuesProblems(r.name, r.chart, r.version, (r.values ?? []).map((v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v))));
    }
  }
  return problems;
}

/** Problems of one release: `documents` are its values documents (merged in order, as Helm does). */
export function releaseValuesProblems(release: string, chart: string, version: string, documents: Array<Record<string, unknown>>): ValuesProblem[] {
  const files = chartFiles(chart, version);
  if (!files) return [{ release, chart: `${chart}@${version}`, path: '', problem: 'no vendored values.yaml for this pinned chart (vendor/charts/SOURCES.md)' }];
  const values = documents.reduce((acc, d) => coalesce(acc, d), {} as Record<string, unknown>);
  const problems: ValuesProblem[] = unknownValuePaths(chart, files, values)
    .map((p) => ({ release, chart: `${chart}@${version}`, path: p, problem: 'not a key of the chart\'s values.yaml (Helm ignores it)' }));
  const merged = coalesce(files.defaults, values);
  const check = (schema: ValidateFunction | undefined, data: unknown, prefix: string) => {
    if (!schema || schema(data)) return;
    for (const e of schema.errors ?? []) {
      problems.push({ release, chart: `${chart}@${version}`, path: `${prefix}${e.instancePath}`, problem: `values.schema.json: ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}` });
    }
  };
  check(files.schema, merged, '');
  for (const [alias, sub] of Object.entries(files.subcharts)) {
    if (isMap(values[alias])) check(sub.schema, coalesce(sub.defaults, coalesce(isMap(files.defaults[alias]) ? files.defaults[alias] as Record<string, unknown> : {}, values[alias] as Record<string, unknown>)), `/${alias}`);
  }
  return problems;
}
