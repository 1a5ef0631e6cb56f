/**
 * Regenerates `vendor/schemas/kubernetes/` (the Kubernetes schemas the tests validate against) from
 * full upstream schema files:
 *
 *   npm run vendor-schemas -- --from <folder> [--out vendor/schemas/kubernetes]
 *
 * `<folder>` has the upstream layout: `k8s/*.json` (Kubernetes OpenAPI v3 per-group documents,
 * `api__v1_openapi.json`, ...) and `crds/<project>/*.yaml` (CustomResourceDefinitions), plus a
 * `SOURCES.md` naming the upstream repository, tag and commit of each file.
 *
 * What it keeps: the kinds in {@link KINDS} (what the library emits, and what its tests build), and
 * for the core documents the `$ref` closure of those kinds (plus `ObjectMeta`, which CRD objects are
 * checked against). CRDs keep only the versions named in {@link KINDS}. Everything validation does
 * not read is dropped: `description` fields (ajv ignores them; they are 80 % of the Argo CRDs) and
 * the HTTP paths of the OpenAPI documents. Output is compact JSON (parsing it is ~10x faster than
 * YAML) and an `index.json` mapping `apiVersion kind` to its file, so that tests never scan or parse
 * what they do not validate. Output is deterministic: running it twice gives the same bytes.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as zlib from 'node:zlib';
import * as YAML from 'yaml';

/**
 * `apiVersion` → kinds to keep. Core kinds: everything the library emits or may emit for a user's
 * workload (namespaces, identities, RBAC, policies, controllers, jobs), and `Pod` (tests build one).
 */
export const KINDS: Record<string, string[]> = {
  'v1': ['Namespace', 'ServiceAccount', 'Secret', 'ConfigMap', 'Service', 'Pod', 'PersistentVolumeClaim', 'ResourceQuota', 'LimitRange'],
  'apps/v1': ['Deployment', 'DaemonSet', 'StatefulSet'],
  'batch/v1': ['Job', 'CronJob'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'networking.k8s.io/v1': ['NetworkPolicy'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'policy/v1': ['PodDisruptionBudget'],
  'rbac.authorization.k8s.io/v1': ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'storage.k8s.io/v1': ['StorageClass'],
  // CRDs
  'serving.kserve.io/v1beta1': ['InferenceService'],
  'serving.kserve.io/v1alpha1': ['ServingRuntime', 'ClusterServingRuntime', 'LocalModelCache', 'LocalModelNodeGroup'],
  'operator.knative.dev/v1beta1': ['KnativeServing'],
  'serving.knative.dev/v1': ['Service'],
  'kueue.x-k8s.io/v1beta2': ['ResourceFlavor', 'ClusterQueue', 'LocalQueue', 'WorkloadPriorityClass', 'Cohort', 'Topology', 'AdmissionCheck'],
  'karpenter.sh/v1': ['NodePool'],
  'karpenter.k8s.aws/v1': ['EC2NodeClass'],
  'keda.sh/v1alpha1': ['ScaledJob', 'ScaledObject', 'TriggerAuthentication', 'ClusterTriggerAuthentication'],
  'jobset.x-k8s.io/v1alpha2': ['JobSet'],
  'argoproj.io/v1alpha1': ['Workflow', 'WorkflowTemplate', 'CronWorkflow', 'ClusterWorkflowTemplate'],
  'monitoring.coreos.com/v1': ['ServiceMonitor', 'PodMonitor'],
  'nvidia.com/v1': ['ClusterPolicy'],
};

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** One entry of index.json. */
export interface IndexEntry {
  /** Path relative to the output folder. */
  readonly file: string;
  /** Core documents: the component schema name. CRDs: undefined. */
  readonly component?: string;
}

interface Written { readonly file: string; readonly from: string; readonly sha1: string; readonly bytes: number; readonly kinds: string[] }

function main(): void {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      out: { type: 'string', default: path.join(__dirname, '..', 'vendor', 'schemas', 'kubernetes') },
    },
  });
  if (!values.from) {
    console.error('usage: npm run vendor-schemas -- --from <folder with k8s/*.json and crds/<project>/*.yaml> [--out <folder>]');
    process.exit(2);
  }
  const written = vendor(path.resolve(values.from), path.resolve(values.out!));
  for (const w of written) console.log(`${w.file}  ${w.bytes} bytes  ${w.kinds.join(', ')}`);
  const terraform = path.join(path.resolve(values.from), 'terraform');
  if (fs.existsSync(terraform)) {
    for (const line of vendorProviderSchemas(terraform, path.join(path.resolve(values.out!), '..', 'terraform'))) console.log(line);
  }
}

/**
 * Provider schemas (`terraform providers schema -json`, gzip) of the providers whose blocks the
 * library emits but which cannot be planned offline: {@link PROVIDERS}. Descriptions are dropped;
 * written as gzip (the package ships them as they are).
 */
export const PROVIDERS = ['kubernetes', 'helm'];

export function vendorProviderSchemas(from: string, out: string): string[] {
  fs.mkdirSync(out, { recursive: true });
  // Replace the documents; SOURCES.md stays.
  for (const old of fs.readdirSync(out).filter((n) => n.endsWith('.json.gz'))) fs.rmSync(path.join(out, old));
  const lines: string[] = [];
  for (const name of fs.readdirSync(from).filter((n) => PROVIDERS.some((p) => n.startsWith(`${p}-`)) && n.endsWith('.json.gz')).sort()) {
    const raw = fs.readFileSync(path.join(from, name));
    const doc = JSON.parse(zlib.gunzipSync(raw).toString('utf8'));
    const text = JSON.stringify(withoutDocs(doc, PROVIDER_DOCS));
    const gz = zlib.gzipSync(text, { level: 9 });
    // gzip embeds no time stamp here (Node writes mtime 0), so the bytes are deterministic.
    fs.writeFileSync(path.join(out, name), gz);
    const sha1 = crypto.createHash('sha1').update(raw).digest('hex');
    lines.push(`terraform/${name}  ${text.length} bytes (${gz.length} gzip)  from ${name} sha1 ${sha1}`);
  }
  return lines;
}


/** Writes the trimmed set into `out` (replacing its k8s/ and crds/) and returns what it wrote. */
export function vendor(from: string, out: string): Written[] {
  const wanted = new Set(Object.entries(KINDS).flatMap(([v, ks]) => ks.map((k) => `${v} ${k}`)));
  const index: Record<string, IndexEntry> = {};
  const written: Written[] = [];
  fs.rmSync(path.join(out, 'k8s'), { recursive: true, force: true });
  fs.rmSync(path.join(out, 'crds'), { recursive: true, force: true });

  for (const name of fs.readdirSync(path.join(from, 'k8s')).filter((n) => n.endsWith('.json')).sort()) {
    const source = path.join(from, 'k8s', name);
    const doc = JSON.parse(fs.readFileSync(source, 'utf8'));
    const schemas: Record<string, any> = doc.components?.schemas ?? {};
    const roots: string[] = [];
    const kinds: string[] = [];
    for (const [component, schema] of Object.entries<any>(schemas)) {
      if (component.startsWith('io.k8s.apimachinery.')) continue;
      for (const g of schema['x-kubernetes-group-version-kind'] ?? []) {
        const k = `${g.group ? `${g.group}/${g.version}` : g.version} ${g.kind}`;
        if (wanted.has(k) && !index[k]) {
          roots.push(component);
          kinds.push(k);
        }
      }
    }
    const isCoreV1 = name === 'api__v1_openapi.json';
    if (isCoreV1) roots.push(OBJECT_META);
    if (!roots.length) continue;
    const keep = refClosure(schemas, roots);
    const trimmed = { components: { schemas: Object.fromEntries([...keep].sort().map((c) => [c, withoutDocs(schemas[c], SCHEMA_DOCS)])) } };
    const file = `k8s/${name}`;
    for (const k of kinds) index[k] = { file, component: roots[kinds.indexOf(k)] };
    written.push(write(out, file, trimmed, source, kinds));
  }

  const crdRoot = path.join(from, 'crds');
  for (const project of fs.readdirSync(crdRoot).sort()) {
    const folder = path.join(crdRoot, project);
    if (!fs.statSync(folder).isDirectory()) continue;
    for (const name of fs.readdirSync(folder).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const source = path.join(folder, name);
      const crds = YAML.parseAllDocuments(fs.readFileSync(source, 'utf8')).map((d) => d.toJS()).filter((d) => d?.kind === 'CustomResourceDefinition');
      for (const crd of crds) {
        const versions = (crd.spec.versions as any[]).filter((v) => wanted.has(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`) && !index[`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`]);
        if (!versions.length) continue;
        const kinds = versions.map((v) => `${crd.spec.group}/${v.name} ${crd.spec.names.kind}`);
        const trimmed = {
          apiVersion: crd.apiVersion,
          kind: crd.kind,
          metadata: { name: crd.metadata.name },
          spec: {
            group: crd.spec.group,
            names: { kind: crd.spec.names.kind, plural: crd.spec.names.plural },
            scope: crd.spec.scope,
            versions: versions.map((v) => ({
              name: v.name,
              served: v.served,
              storage: v.storage,
              schema: { openAPIV3Schema: withoutDocs(v.schema?.openAPIV3Schema, SCHEMA_DOCS) },
            })),
          },
        };
        const file = `crds/${project}/${name.replace(/\.ya?ml$/, '')}${crds.length > 1 ? `.${crd.spec.names.plural}` : ''}.json`;
        for (const k of kinds) index[k] = { file };
        written.push(write(out, file, trimmed, source, kinds));
      }
    }
  }

  const missing = [...wanted].filter((k) => !index[k]);
  if (missing.length) throw new Error(`no upstream schema found for: ${missing.join(', ')}`);
  const sorted = Object.fromEntries(Object.keys(index).sort().map((k) => [k, index[k]]));
  fs.writeFileSync(path.join(out, 'index.json'), `${JSON.stringify({ kinds: sorted, files: written.map(({ file, from: f, sha1, bytes }) => ({ file, from: f, sha1, bytes })) }, null, 1)}\n`);
  return written;
}

/** Component names reachable from `roots` through `$ref: #/components/schemas/<name>`. */
function refClosure(schemas: Record<string, any>, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    if (!schemas[name]) throw new Error(`dangling $ref to ${name}`);
    seen.add(name);
    JSON.stringify(schemas[name], (k, v) => {
      if (k === '$ref' && typeof v === 'string') stack.push(v.replace('#/components/schemas/', ''));
      return v;
    });
  }
  return seen;
}

/**
 * A copy without documentation strings: the keys in `keys` whose value is a string (or boolean) are
 * dropped. A property or attribute that happens to be named like one of them has an object (its
 * schema) as value and stays.
 */
function withoutDocs(value: any, keys: ReadonlySet<string>): any {
  if (Array.isArray(value)) return value.map((v) => withoutDocs(v, keys));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value)
    .filter(([k, v]) => !(keys.has(k) && (v === null || typeof v !== 'object')))
    .map(([k, v]) => [k, withoutDocs(v, keys)]));
}

/** JSON Schema documentation (CRDs, OpenAPI documents). */
const SCHEMA_DOCS = new Set(['description']);
/** Provider schema documentation (`terraform providers schema -json`). */
const PROVIDER_DOCS = new Set(['description', 'description_kind', 'deprecated']);

function write(out: string, file: string, content: unknown, source: string, kinds: string[]): Written {
  const target = path.join(out, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const text = JSON.stringify(content);
  fs.writeFileSync(target, text);
  // git's blob id of the upstream file, as SOURCES.md lists it: provenance is checkable.
  const raw = fs.readFileSync(source);
  const sha1 = crypto.createHash('sha1').update(`blob ${raw.length}\0`).update(raw).digest('hex');
  const from = source.split(path.sep).slice(-3).join('/').replace(/^[^/]+\/(k8s\/)/, '$1');
  return { file, from, sha1, bytes: Buffer.byteLength(text), kinds };
}

if (require.main === module) main();
