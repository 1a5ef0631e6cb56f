/**
 * Kubernetes half of the verification harness: validate every Kubernetes object we emit (the
 * `manifest` of `kubernetes_manifest` resources) against the real upstream schemas vendored in
 * `vendor/schemas/kubernetes` (see its `SOURCES.md`; `npm run vendor-schemas` regenerates it):
 *
 * - `k8s/*.json`: Kubernetes 1.35 OpenAPI v3 per-group documents (GVK in `x-kubernetes-group-version-kind`);
 * - `crds/<project>/*.json` (or upstream `*.yaml`): CustomResourceDefinitions
 *   (`spec.versions[].schema.openAPIV3Schema`);
 * - `index.json` (vendored set only): `apiVersion kind` → file and component, so nothing is scanned.
 *
 * The check is as strict as `kubectl --validate=strict` / kubectl-validate for what a JSON Schema can
 * express: unknown fields are errors, types/enums/patterns/required/formats are checked, and CRD
 * `metadata` is checked against the core `ObjectMeta`. CEL rules (`x-kubernetes-validations`) are
 * not evaluated.
 *
 * Cost: a schema is compiled only on first use and its validator cached, so the large CRDs (Argo
 * Workflows, KServe) cost nothing unless a test emits that kind.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { _, ErrorObject, Format, ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import type { RegExpEngine } from 'ajv/dist/types';
import * as YAML from 'yaml';

/** Name of the environment variable that points at another schemas folder (full upstream layout or vendored). */
export const SCHEMAS_ENV = 'CDKTF_AI_INFRA_SCHEMAS';

/** The project root (the folder holding package.json). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The schemas vendored in the repository. */
export const VENDORED_SCHEMAS = path.join(PROJECT_ROOT, 'vendor', 'schemas', 'kubernetes');

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const CORE_V1_DOC = 'api__v1_openapi.json';

/**
 * Locate the schemas folder: `$CDKTF_AI_INFRA_SCHEMAS` if set (undefined when it is not a schemas
 * folder), else the vendored `vendor/schemas/kubernetes` of this repository. Never looks anywhere
 * else: a clone with nothing beside it has everything its tests need.
 */
export function findSchemasDir(): string | undefined {
  const fromEnv = process.env[SCHEMAS_ENV];
  const dir = fromEnv ? path.resolve(fromEnv) : VENDORED_SCHEMAS;
  return isSchemasDir(dir) ? dir : undefined;
}

function isSchemasDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'k8s')) && fs.existsSync(path.join(dir, 'crds'));
}

/**
 * For tests that need the schemas: returns the folder, or, when it cannot be found, throws under CI
 * (`process.env.CI`) and otherwise warns loudly and returns undefined (the caller then skips).
 */
export function requireSchemasDir(): string | undefined {
  const dir = findSchemasDir();
  if (dir) return dir;
  const wanted = process.env[SCHEMAS_ENV]
    ? `${SCHEMAS_ENV}=${process.env[SCHEMAS_ENV]} (not a folder with k8s/ and crds/)`
    : `${VENDORED_SCHEMAS} (part of the repository: restore it with git, or regenerate it with npm run vendor-schemas)`;
  const message = `Kubernetes schemas not found: looked for ${wanted}`;
  if (process.env.CI && !/^(0|false)$/i.test(process.env.CI)) throw new Error(`${message}; schema validation cannot be skipped in CI`);
  console.warn(`SKIPPING Kubernetes schema validation. ${message}`);
  return undefined;
}

/** Where the schema of one apiVersion/kind lives. */
interface Source {
  /** Absolute path of the k8s JSON document or the CRD YAML file. */
  readonly file: string;
  /** Core documents: component schema name; CRDs: undefined. */
  readonly component?: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime: { formats: Record<string, Format>; goRegExp: RegExpEngine } = require('./schema-runtime.cjs');
const RUNTIME_FILE = require.resolve('./schema-runtime.cjs');

/**
 * Compiled validators are cached on disk as ajv standalone code (one module per kind), so that the
 * multi-megabyte CRDs are compiled once per machine instead of once per test file (jest gives every
 * file fresh modules). The key covers the schema file's bytes, the kind, this file, the runtime
 * module and ajv's version: any change recompiles. Set CDKTF_AI_INFRA_SCHEMA_CACHE=0 to disable.
 */
const CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'cdktf-ai-infra-validators');
const CACHE_SALT = crypto.createHash('sha256')
  .update(fs.readFileSync(__filename)).update(fs.readFileSync(RUNTIME_FILE))
  .update(JSON.parse(fs.readFileSync(require.resolve('ajv/package.json'), 'utf8')).version)
  .digest('hex');
const cacheEnabled = () => !/^(0|false)$/i.test(process.env.CDKTF_AI_INFRA_SCHEMA_CACHE ?? '');

/**
 * Schemas of Kubernetes objects, indexed by `apiVersion` + `kind`. Construct one per schemas folder
 * (or use {@link defaultRegistry}); all work is lazy and cached.
 */
export class SchemaRegistry {
  private readonly ajv = new Ajv({
    strict: false, // ignore x-kubernetes-* and other OpenAPI keywords
    allErrors: true,
    validateSchema: false, // upstream schemas; meta-validating 2 MB documents is wasted time
    unicodeRegExp: false, // Go RE2 patterns are not always valid under the JS `u` flag
    formats: runtime.formats,
    // The code optimizer triples compile time of multi-MB CRDs; `source` and `formats` let
    // standaloneCode write a validator as a module that loads the runtime by its path.
    code: { optimize: false, regExp: runtime.goRegExp, source: true, formats: _`require(${RUNTIME_FILE}).formats` },
  });
  private index?: Map<string, Source>;
  private readonly coreDocs = new Map<string, any>();
  private readonly validators = new Map<string, ValidateFunction | string>();

  constructor(public readonly dir: string) {}

  /** Every `apiVersion kind` pair that has a schema (builds the index on first call). */
  public kinds(): string[] {
    return [...this.sources().keys()].sort();
  }

  /**
   * Validate one Kubernetes object. Returns human-readable errors, `<kind>/<name>: <path> <message>`;
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
      if (!validator(obj)) errors.push(...validator.errors!.map(e => formatError(e)));
      if (!this.sources().get(key(obj.apiVersion, obj.kind))!.component && obj.metadata !== undefined) {
        // CRD: its schema says little about metadata; the API server applies ObjectMeta.
        const meta = this.objectMetaValidator();
        if (!meta(obj.metadata)) errors.push(...meta.errors!.map(e => formatError(e, '/metadata')));
      }
    }
    return [...new Set(errors)].map(e => `${label}: ${e}`);
  }

  /** The cached validator for apiVersion/kind, or an error message when there is no schema. */
  private validatorFor(apiVersion: unknown, kind: unknown): ValidateFunction | string {
    const k = key(apiVersion, kind);
    let validator = this.validators.get(k);
    if (validator === undefined) {
      const source = this.sources().get(k);
      validator = !source ? this.noSchema(apiVersion, kind)
        : source.component ? this.coreValidator(source)
          : this.cached(source.file, k, () => this.crdValidator(source, String(apiVersion), String(kind)));
      this.validators.set(k, validator);
    }
    return validator;
  }

  private noSchema(apiVersion: unknown, kind: unknown): string {
    const siblings = [...this.sources().keys()].filter(k => k.startsWith(`${apiVersion} `) && !k.endsWith('List'))
      .map(k => k.split(' ')[1]);
    const hint = siblings.length ? `known kinds for ${apiVersion}: ${siblings.join(', ')}` : `unknown apiVersion ${apiVersion}`;
    return `no schema for apiVersion ${apiVersion} kind ${kind} (${hint})`;
  }

  /** Core kinds: add the (strictified) OpenAPI document once, compile only the referenced component. */
  private coreValidator(source: Source): ValidateFunction {
    return this.cached(source.file, source.component!, () => this.compileCore(source));
  }

  private compileCore(source: Source): ValidateFunction {
    const id = `k8s/${path.basename(source.file)}`;
    if (!this.ajv.getSchema(id)) {
      const schemas = this.coreDoc(source.file).components.schemas;
      const strict: Record<string, any> = {};
      for (const [name, schema] of Object.entries(schemas)) strict[name] = strictify(schema);
      this.ajv.addSchema({ $id: id, components: { schemas: strict } });
    }
    return this.ajv.getSchema(`${id}#/components/schemas/${source.component}`)!;
  }

  private coreDoc(file: string): any {
    let doc = this.coreDocs.get(file);
    if (!doc) {
      doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      this.coreDocs.set(file, doc);
    }
    return doc;
  }

  private objectMetaValidator(): ValidateFunction {
    return this.coreValidator({ file: path.join(this.dir, 'k8s', CORE_V1_DOC), component: OBJECT_META });
  }

  /** CRD kinds: parse the CRD file fully only now, compile that version's schema. */
  private crdValidator(source: Source, apiVersion: string, kind: string): ValidateFunction | string {
    const docs = source.file.endsWith('.json') ? [JSON.parse(fs.readFileSync(source.file, 'utf8'))] : parseYamlDocs(fs.readFileSync(source.file, 'utf8'));
    const crd = docs
      .find(d => d && `${d.spec?.group}/` === apiVersion.replace(/[^/]+$/, '') && d.spec?.names?.kind === kind);
    const version = crd?.spec?.versions?.find((v: any) => `${crd.spec.group}/${v.name}` === apiVersion);
    const schema = version?.schema?.openAPIV3Schema;
    if (!schema) return `CRD ${path.basename(source.file)} has no openAPIV3Schema for ${apiVersion} ${kind}`;
    return this.ajv.compile(strictify(schema, true));
  }

  /**
   * The validator for `what` in `file`: loaded from the disk cache when a module for the same inputs
   * is there, else compiled by `compile` and written to the cache (atomically: two jest workers may
   * compile the same kind at once).
   */
  private cached<T extends ValidateFunction | string>(file: string, what: string, compile: () => T): T {
    if (!cacheEnabled()) return compile();
    const hash = crypto.createHash('sha256').update(CACHE_SALT).update(what).update('\0').update(fs.readFileSync(file)).digest('hex').slice(0, 32);
    const target = path.join(CACHE_DIR, `${hash}.js`);
    if (fs.existsSync(target)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(target) as T;
    }
    const validator = compile();
    if (typeof validator !== 'string') {
      try {
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        const tmp = `${target}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, standaloneCode(this.ajv, validator));
        fs.renameSync(tmp, target);
      } catch {
        // A read-only or full disk only costs the next run a compile.
      }
    }
    return validator;
  }

  /**
   * The GVK index: read from `index.json` (the vendored set), else built on first use from every
   * k8s/*.json and crds/&#42;/&#42;.{yaml,json} (a full upstream folder given by the environment variable).
   */
  private sources(): Map<string, Source> {
    if (this.index) return this.index;
    const indexFile = path.join(this.dir, 'index.json');
    if (fs.existsSync(indexFile)) {
      const entries = JSON.parse(fs.readFileSync(indexFile, 'utf8')).kinds as Record<string, { file: string; component?: string }>;
      this.index = new Map(Object.entries(entries).map(([k, e]) => [k, { file: path.join(this.dir, e.file), component: e.component }]));
      return this.index;
    }
    const index = new Map<string, Source>();
    const k8s = path.join(this.dir, 'k8s');
    for (const f of fs.readdirSync(k8s).filter(n => n.endsWith('.json')).sort()) {
      const file = path.join(k8s, f);
      const doc = this.coreDoc(file);
      for (const [component, schema] of Object.entries<any>(doc.components?.schemas ?? {})) {
        if (component.startsWith('io.k8s.apimachinery.')) continue; // DeleteOptions, WatchEvent, Status: not manifests
        for (const g of schema['x-kubernetes-group-version-kind'] ?? []) {
          const k = key(g.group ? `${g.group}/${g.version}` : g.version, g.kind);
          if (!index.has(k)) index.set(k, { file, component });
        }
      }
    }
    const crds = path.join(this.dir, 'crds');
    for (const project of fs.readdirSync(crds).sort()) {
      const folder = path.join(crds, project);
      if (!fs.statSync(folder).isDirectory()) continue;
      for (const f of fs.readdirSync(folder).filter(n => /\.(ya?ml|json)$/.test(n)).sort()) {
        const file = path.join(folder, f);
        for (const crd of crdHeaders(file)) {
          for (const v of crd.spec.versions) {
            const k = key(`${crd.spec.group}/${v.name}`, crd.spec.names.kind);
            if (!index.has(k)) index.set(k, { file });
          }
        }
      }
    }
    this.index = index;
    return index;
  }
}

let shared: SchemaRegistry | undefined;

/** The process-wide registry over {@link findSchemasDir}; throws when the schemas cannot be found. */
export function defaultRegistry(): SchemaRegistry {
  if (!shared) {
    const dir = findSchemasDir();
    if (!dir) throw new Error(`Kubernetes schemas not found: ${process.env[SCHEMAS_ENV] ? `${SCHEMAS_ENV}=${process.env[SCHEMAS_ENV]} is not a schemas folder` : `${VENDORED_SCHEMAS} is missing (restore it with git)`}`);
    shared = new SchemaRegistry(dir);
  }
  return shared;
}

/** Validate many objects with the default registry; returns all errors (empty = all valid). */
export function validateManifests(objects: any[]): string[] {
  const registry = defaultRegistry();
  return objects.flatMap(o => registry.validate(o));
}

function key(apiVersion: unknown, kind: unknown): string {
  return `${apiVersion} ${kind}`;
}

/** Render one ajv error as `<instancePath> <message>`, naming the field for unknown fields and enums. */
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

/** All YAML documents of a file as plain JS (null for empty documents). */
function parseYamlDocs(text: string): any[] {
  return YAML.parseAllDocuments(text).map(d => {
    if (d.errors.length) throw new Error(d.errors[0].message);
    return d.toJS();
  });
}

/**
 * The CRDs of a YAML file, read cheaply: only lines indented at most 6 spaces are parsed (the
 * header: group, names, versions[].name; schemas start deeper). Falls back to a full parse when the
 * shallow view is not a well-formed CRD list.
 */
function crdHeaders(file: string): any[] {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.json')) return [JSON.parse(text)];
  const wellFormed = (docs: any[]) => docs.every(d => d === null || (d.kind === 'CustomResourceDefinition' &&
    d.spec?.group && d.spec.names?.kind && Array.isArray(d.spec.versions) && d.spec.versions.every((v: any) => v?.name)));
  try {
    const docs = parseYamlDocs(text.replace(/^ {7,}.*(?:\r?\n|$)/gm, ''));
    if (wellFormed(docs)) return docs.filter(d => d);
  } catch { /* fall through to the full parse */ }
  const docs = parseYamlDocs(text);
  if (!wellFormed(docs)) throw new Error(`${file}: not a CustomResourceDefinition file`);
  return docs.filter(d => d);
}
