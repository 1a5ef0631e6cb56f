/**
 * Kubernetes half of the verification harness: the public testing API (`cdktf-ai-infra/testing`,
 * lib/testing/kubernetes-schemas.ts) over the schemas vendored in `vendor/schemas/kubernetes` (see
 * its `SOURCES.md`; `npm run vendor-schemas` regenerates them), with one addition for our own
 * test run: compiled validators are cached on disk (node_modules/.cache), because jest gives every
 * test file fresh modules and the large CRDs would otherwise be compiled again in each.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubernetesSchemas, SCHEMAS_ENV, schemaFolder } from '../../lib/testing/kubernetes-schemas';

export { SCHEMAS_ENV };

/** The project root (the folder holding package.json). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The schemas vendored in the repository. */
export const VENDORED_SCHEMAS = path.join(PROJECT_ROOT, 'vendor', 'schemas', 'kubernetes');

const CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'cdktf-ai-infra-validators');
const RUNTIME_MODULE = path.join(PROJECT_ROOT, 'lib', 'testing', 'schema-runtime.ts');

/**
 * Locate the schemas folder: `$CDKTF_AI_INFRA_SCHEMAS` if set (undefined when it is not a schemas
 * folder), else the vendored `vendor/schemas/kubernetes` of this repository. Never looks anywhere
 * else: a clone with nothing beside it has everything its tests need.
 */
export function findSchemasDir(): string | undefined {
  const fromEnv = process.env[SCHEMAS_ENV];
  const dir = fromEnv ? path.resolve(fromEnv) : VENDORED_SCHEMAS;
  return fs.existsSync(path.join(dir, 'index.json')) ? dir : undefined;
}

/**
 * For tests that need the schemas: returns the folder, or, when it cannot be found, throws under CI
 * (`process.env.CI`) and otherwise warns loudly and returns undefined (the caller then skips).
 */
export function requireSchemasDir(): string | undefined {
  const dir = findSchemasDir();
  if (dir) return dir;
  const wanted = process.env[SCHEMAS_ENV]
    ? `${SCHEMAS_ENV}=${process.env[SCHEMAS_ENV]} (not a folder with index.json, k8s/ and crds/)`
    : `${VENDORED_SCHEMAS} (part of the repository: restore it with git, or regenerate it with npm run vendor-schemas)`;
  const message = `Kubernetes schemas not found: looked for ${wanted}`;
  if (process.env.CI && !/^(0|false)$/i.test(process.env.CI)) throw new Error(`${message}; schema validation cannot be skipped in CI`);
  console.warn(`SKIPPING Kubernetes schema validation. ${message}`);
  return undefined;
}

/** The public registry over a folder, with the on-disk validator cache (CDKTF_AI_INFRA_SCHEMA_CACHE=0 turns it off). */
export class SchemaRegistry extends KubernetesSchemas {
  constructor(public readonly dir: string) {
    const cache = !/^(0|false)$/i.test(process.env.CDKTF_AI_INFRA_SCHEMA_CACHE ?? '');
    super(schemaFolder(dir), cache ? { cacheDir: CACHE_DIR, runtimeModule: RUNTIME_MODULE } : {});
  }
}

let shared: SchemaRegistry | undefined;

/** The registry over {@link findSchemasDir} for this test file; throws when the schemas cannot be found. */
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
  return objects.flatMap((o) => registry.validate(o));
}
