/**
 * Validate Kubernetes objects (the `manifest` of `kubernetes_manifest` resources) against the real
 * upstream schemas of what the library emits: Kubernetes 1.35 OpenAPI v3 and the CRDs of KServe,
 * Knative, Kueue, Karpenter, KEDA, JobSet, Argo Workflows, Prometheus Operator and the GPU Operator
 * at the pinned versions (provenance: vendor/schemas/kubernetes/SOURCES.md in the repository).
 *
 * The check is as strict as `kubectl --validate=strict` for what a JSON Schema can express: unknown
 * fields are errors, types/enums/patterns/required/formats are checked, and CRD `metadata` is
 * checked against the core `ObjectMeta`. CEL rules (`x-kubernetes-validations`) are not evaluated.
 *
 * Schemas come from a folder in the vendored layout (`index.json`, `k8s/*.json`,
 * `crds/<project>/*.json`) or from the compressed bundle the package ships
 * (`dist/schemas/kubernetes.json.gz`). A schema is compiled only on first use.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import Ajv, { _, ErrorObject, ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { formats, goRegExp } from './schema-runtime';

/** Environment variable naming another schemas folder (vendored layout). */
export const SCHEMAS_ENV = 'CDKTF_AI_INFRA_SCHEMAS';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const CORE_V1_DOC = 'k8s/api__v1_openapi.json';

/** Where one `apiVersion kind` is described. */
interface IndexEntry {
  /** Path inside the schema set. */
  readonly file: string;
  /** Core documents: the component schema name. CRDs: undefined. */
  readonly component?: string;
}

/** A set of schema files: a folder, or the packed bundle. */
export interface SchemaSet {
  /** Human-readable location (for messages). */
  readonly location: string;
  /** `apiVersion kind` → where its schema is. */
  readonly kinds: Readonly<Record<string, IndexEntry>>;
  /** The text of one file of the set. */
  read(file: string): string;
}

/** A folder in the vendored layout (`index.json`, `k8s/`, `crds/`). */
export function schemaFolder(dir: string): SchemaSet {
  const indexFile = path.join(dir, 'index.json');
  if (!fs.existsSync(indexFile)) throw new Error(`${dir} is not a schemas folder: it has no index.json (npm run vendor-schemas writes one)`);
  const kinds = JSON.parse(fs.readFileSync(indexFile, 'utf8')).kinds;
  return { location: dir, kinds, read: (file) => fs.readFileSync(path.join(dir, file), 'utf8') };
}

/** The packed bundle: gzip of `{ kinds, files: { <path>: <text> } }`. */
export function packedSchemas(file: string): SchemaSet {
  const bundle = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'));
  return {
    location: file,
    kinds: bundle.kinds,
    read: (f) => {
      const text = bundle.files[f];
      if (text === undefined) throw new Error(`${file} has no ${f}`);
      return text;
    },
  };
}

/**
 * The schemas to use: `$CDKTF_AI_INFRA_SCHEMAS` (a folder) when set; else the bundle shipped next to
 * this module in the package (`schemas/kubernetes.json.gz`); else, inside the repository, the
 * vendored folder `vendor/schemas/kubernetes`. Never looks anywhere else. Undefined when none exists.
 */
export function findSchemaSet(env: NodeJS.ProcessEnv = process.env): SchemaSet | undefined {
  if (env[SCHEMAS_ENV]) {
    const dir = path.resolve(env[SCHEMAS_ENV]!);
    return fs.existsSync(path.join(dir, 'index.json')) ? schemaFolder(dir) : undefined;
  }
  const packed = path.join(__dirname, 'schemas', 'kubernetes.json.gz');
  if (fs.existsSync(packed)) return packedSchemas(packed);
  const vendored = path.resolve(__dirname, '..', '..', 'vendor', 'schemas', 'kubernetes');
  if (fs.existsSync(path.join(vendored, 'index.json'))) return schemaFolder(vendored);
  return undefined;
}

/** Options of a {@link KubernetesSchemas} registry. */
export interface KubernetesSchemasOptions {
  /**
   * Cache compiled validators in this folder as ajv standalone modules, keyed by the schema's
   * bytes, the kind and this module's version (used by the library's own tests, where every test
   * file starts with fresh modules). Needs the runtime module as a file (`runtimeModule`).
   * @default - no cache
   */
  readonly cacheDir?: string;
  /** The file of `schema-runtime` that cached validators require. @default - none (no cache) */
  readonly runtimeModule?: string;
}

/** Kubernetes schemas indexed by `apiVersion` + `kind`; all work is lazy and cached. */
export class KubernetesSchemas {
  private readonly ajv: Ajv;
  private readonly docs = new Map<string, any>();
  private readonly validators = new Map<string, ValidateFunction | string>();
  private readonly cacheSalt?: string;

  constructor(public readonly schemas: SchemaSet, private readonly options: KubernetesSchemasOptions = {}) {
    const caching = !!(options.cacheDir && options.runtimeModule && fs.existsSync(options.runtimeModule));
    const runtime = JSON.stringify(options.runtimeModule ?? '');
    this.ajv = new Ajv({
      strict: false, // ignore x-kubernetes-* and other OpenAPI keywords
      allErrors: true,
      validateSchema: false, // upstream schemas; meta-validating megabyte documents is wasted time
      unicodeRegExp: false, // Go RE2 patterns are not always valid under the JS `u` flag
      formats,
      // The code optimizer triples compile time of multi-MB CRDs. With a cache, standaloneCode
      // writes each validator as a module that requires the runtime by its path.
      code: caching
        ? { optimize: false, source: true, formats: _`require(${options.runtimeModule!}).formats`, regExp: Object.assign((p: string, f: string) => goRegExp(p, f), { code: `require(${runtime}).goRegExp` }) }
        : { optimize: false, regExp: goRegExp },
    });
    if (caching) {
      this.cacheSalt = crypto.createHash('sha256').update(fs.readFileSync(__filename)).update(fs.readFileSync(options.runtimeModule!))
        .update(JSON.stringify(Object.keys(formats))).digest('hex');
    }
  }

  /** Every `apiVersion kind` pair that has a schema. */
  public kinds(): string[] {
    return Object.keys(this.schemas.kinds).sort();
  }

  /**
   * Validate one Kubernetes object. Returns readable errors, `<kind>/<name>: <path> <message>`;
   * an empty array means valid.
   */
  public validate(obj: any): string[] {
    const label = `${obj?.kind ?? '<no kind>'}/${obj?.metadata?.name ?? '<no name>'}`;
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [`${label}: / must be an object`];
    const errors: string[] = [];
    if (obj.metadata?.name === undefined || obj.metadata.name === '') {
      errors.push('/metadata must have required property \'name\'');
    }
    const validator = this.validatorFor(obj.apiVersion, obj.kind);
    if (typeof validator === 'string') {
      errors.push(validator);
    } else {
      if (!validator(obj)) errors.push(...validator.errors!.map((e) => formatError(e)));
      if (!this.schemas.kinds[key(obj.apiVersion, obj.kind)].component && obj.metadata !== undefined) {
        // CRD: its schema says little about metadata; the API server applies ObjectMeta.
        const meta = this.coreValidator({ file: CORE_V1_DOC, component: OBJECT_META });
        if (!meta(obj.metadata)) errors.push(...meta.errors!.map((e) => formatError(e, '/metadata')));
      }
    }
    return [...new Set(errors)].map((e) => `${label}: ${e}`);
  }

  private validatorFor(apiVersion: unknown, kind: unknown): ValidateFunction | string {
    const k = key(apiVersion, kind);
    let validator = this.validators.get(k);
    if (validator === undefined) {
      const entry = this.schemas.kinds[k];
      validator = !entry ? this.noSchema(apiVersion, kind)
        : entry.component ? this.coreValidator(entry)
          : this.cached(entry.file, k, () => this.crdValidator(entry, String(apiVersion), String(kind)));
      this.validators.set(k, validator);
    }
    return validator;
  }

  private noSchema(apiVersion: unknown, kind: unknown): string {
    const siblings = this.kinds().filter((k) => k.startsWith(`${apiVersion} `)).map((k) => k.split(' ')[1]);
    const hint = siblings.length ? `known kinds for ${apiVersion}: ${siblings.join(', ')}` : `unknown apiVersion ${apiVersion}`;
    return `no schema for apiVersion ${apiVersion} kind ${kind} (${hint})`;
  }

  private doc(file: string): any {
    let doc = this.docs.get(file);
    if (!doc) {
      doc = JSON.parse(this.schemas.read(file));
      this.docs.set(file, doc);
    }
    return doc;
  }

  /** Core kinds: add the (strictified) OpenAPI document once, compile only the referenced component. */
  private coreValidator(entry: IndexEntry): ValidateFunction {
    return this.cached(entry.file, entry.component!, () => {
      const id = entry.file;
      if (!this.ajv.getSchema(id)) {
        const strict: Record<string, any> = {};
        for (const [name, schema] of Object.entries(this.doc(entry.file).components.schemas)) strict[name] = strictify(schema);
        this.ajv.addSchema({ $id: id, components: { schemas: strict } });
      }
      return this.ajv.getSchema(`${id}#/components/schemas/${entry.component}`)!;
    });
  }

  /** CRD kinds: compile that version's schema. */
  private crdValidator(entry: IndexEntry, apiVersion: string, kind: string): ValidateFunction | string {
    const crd = this.doc(entry.file);
    const version = crd?.spec?.names?.kind === kind ? crd.spec.versions?.find((v: any) => `${crd.spec.group}/${v.name}` === apiVersion) : undefined;
    const schema = version?.schema?.openAPIV3Schema;
    if (!schema) return `CRD ${entry.file} has no openAPIV3Schema for ${apiVersion} ${kind}`;
    return this.ajv.compile(strictify(schema, true));
  }

  /**
   * With a cache folder: the validator from the cache when a module for the same inputs is there,
   * else compiled and written (atomically: two test workers may compile the same kind at once).
   */
  private cached<T extends ValidateFunction | string>(file: string, what: string, compile: () => T): T {
    if (!this.cacheSalt) return compile();
    const hash = crypto.createHash('sha256').update(this.cacheSalt).update(what).update('\0').update(this.schemas.read(file)).digest('hex').slice(0, 32);
    const target = path.join(this.options.cacheDir!, `${hash}.js`);
    if (fs.existsSync(target)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(target) as T;
    }
    const validator = compile();
    if (typeof validator !== 'string') {
      try {
        fs.mkdirSync(this.options.cacheDir!, { recursive: true });
        const tmp = `${target}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, standaloneCode(this.ajv, validator));
        fs.renameSync(tmp, target);
      } catch {
        // A read-only or full disk only costs the next run a compile.
      }
    }
    return validator;
  }
}

function key(apiVersion: unknown, kind: unknown): string {
  return `${apiVersion} ${kind}`;
}

/** One ajv error as `<instancePath> <message>`, naming the field for unknown fields and enums. */
function formatError(e: ErrorObject, prefix = ''): string {
  const at = prefix + e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${at} unknown field "${e.params.additionalProperty}"`;
  if (e.keyword === 'enum') return `${at} ${e.message}: ${e.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
  return `${at} ${e.message}`;
}

/**
 * A copy of an OpenAPI/CRD schema made strict like `kubectl --validate=strict` and digestible by ajv:
 * - every object schema with `properties` and neither `additionalProperties` nor
 *   `x-kubernetes-preserve-unknown-fields: true` gets `additionalProperties: false`;
 * - `x-kubernetes-int-or-string: true` without `anyOf` gets `anyOf: [integer, string]`;
 * - `nullable` without `type` (which ajv rejects) is dropped; with `type`, ajv allows null.
 * Only the structural tree (`properties`, `items`, `additionalProperties`) is rewritten: subschemas
 * under `allOf`/`anyOf`/`oneOf`/`not` only add constraints (`$ref`s point at components that are
 * strictified themselves), so closing them would wrongly reject sibling fields. At the root of a CRD
 * (and in embedded resources) `metadata` is left as is: the API server handles it as ObjectMeta.
 */
function strictify(schema: any, isResourceRoot = false): any {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const { description, ...out } = schema; // descriptions are only dead weight for ajv
  if (out.nullable !== undefined && out.type === undefined) delete out.nullable;
  if (out['x-kubernetes-int-or-string'] === true && !out.anyOf && !out.oneOf && !out.type) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.properties) {
    const embedded = isResourceRoot || out['x-kubernetes-embedded-resource'] === true;
    out.properties = Object.fromEntries(Object.entries<any>(out.properties)
      .map(([name, s]) => [name, embedded && name === 'metadata' ? s : strictify(s)]));
    if (out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
      out.additionalProperties = false;
    }
  }
  if (typeof out.additionalProperties === 'object') out.additionalProperties = strictify(out.additionalProperties);
  if (Array.isArray(out.items)) out.items = out.items.map((s: any) => strictify(s));
  else if (out.items) out.items = strictify(out.items);
  return out;
}
