/**
 * Hold synthesized Terraform JSON blocks against a provider's own schema (`terraform providers
 * schema -json`), for providers that cannot be planned offline: unknown arguments, missing required
 * ones, values of the wrong type, nesting and `min_items`/`max_items` of blocks. Expressions
 * (`${...}`) are accepted wherever a value goes: their type is known only to Terraform.
 *
 * What a schema cannot say (allowed values, conflicting arguments, API limits) is not checked here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/** A `block` of `terraform providers schema -json`. */
export interface SchemaBlock {
  readonly attributes?: Record<string, SchemaAttribute>;
  readonly block_types?: Record<string, { nesting_mode: string; block: SchemaBlock; min_items?: number; max_items?: number }>;
}

interface SchemaAttribute {
  readonly type?: unknown;
  readonly nested_type?: { nesting_mode: string; attributes: Record<string, SchemaAttribute> };
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
}

/** The resource and data source schemas of one provider. */
export interface ProviderSchema {
  /** `namespace/type`, e.g. `hashicorp/helm`. */
  readonly source: string;
  readonly version: string;
  readonly resources: Record<string, { block: SchemaBlock }>;
  readonly dataSources: Record<string, { block: SchemaBlock }>;
}

/** Read a `providers schema -json` document (plain or gzip) holding one provider. */
export function readProviderSchema(file: string, version: string): ProviderSchema {
  const raw = fs.readFileSync(file);
  const doc = JSON.parse((file.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8'));
  const [address, schema] = Object.entries<any>(doc.provider_schemas)[0];
  return {
    source: address.replace(/^registry\.terraform\.io\//, ''),
    version,
    resources: schema.resource_schemas ?? {},
    dataSources: schema.data_source_schemas ?? {},
  };
}

/**
 * The provider schemas shipped with this module (kubernetes and helm, the versions the library's
 * bindings were generated from): next to it in the package (`schemas/terraform/`), or in the
 * repository's `vendor/schemas/terraform`.
 */
export function bundledProviderSchemas(): ProviderSchema[] {
  const dirs = [path.join(__dirname, 'schemas', 'terraform'), path.resolve(__dirname, '..', '..', 'vendor', 'schemas', 'terraform')];
  const dir = dirs.find((d) => fs.existsSync(d));
  if (!dir) return [];
  return fs.readdirSync(dir).filter((f) => /^[a-z0-9]+-\d+\.\d+\.\d+\.json(\.gz)?$/.test(f)).sort()
    .map((f) => readProviderSchema(path.join(dir, f), f.match(/-(\d+\.\d+\.\d+)\.json/)![1]));
}

/** Terraform JSON keys every resource or data block may carry besides its schema's arguments. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection', '//']);

/**
 * Check every block of a synthesized stack whose provider is among `schemas` (matched by the
 * stack's `required_providers` source). Returns readable errors (empty = conforms), and the
 * provider sources that were checked.
 */
export function checkStackAgainstProviderSchemas(stackJson: any, schemas: ProviderSchema[]): ProviderSchemaCheck {
  const required = Object.entries<any>(stackJson.terraform?.required_providers ?? {});
  const errors: string[] = [];
  const checked: string[] = [];
  const notes: string[] = [];
  for (const [localName, req] of required) {
    const given = String(req.source ?? localName).replace(/^registry\.terraform\.io\//, '');
    const source = given.includes('/') ? given : `hashicorp/${given}`;
    const schema = schemas.find((s) => s.source === source);
    if (!schema) continue;
    checked.push(`${source} ${schema.version}`);
    if (req.version && !versionAllows(String(req.version), schema.version)) {
      notes.push(`${source}: the stack requires "${req.version}", the schema is from ${schema.version}: arguments added or removed in between are not seen`);
    }
    const prefix = `${localName}_`;
    for (const [kind, key, table] of [['resource', 'resource', schema.resources], ['data source', 'data', schema.dataSources]] as const) {
      for (const [type, byName] of Object.entries<any>(stackJson[key] ?? {})) {
        if (type !== localName && !type.startsWith(prefix)) continue;
        const def = table[type];
        for (const [name, body] of Object.entries<any>(byName)) {
          const where = `${key === 'data' ? 'data.' : ''}${type}.${name}`;
          if (!def) {
            errors.push(`${where}: ${source} ${schema.version} has no ${kind} type "${type}"`);
            continue;
          }
          checkBlock(def.block, body, where, errors, true);
        }
      }
    }
  }
  return { errors, checked, notes };
}

/** What {@link checkStackAgainstProviderSchemas} found. */
export interface ProviderSchemaCheck {
  /** Readable errors; empty when every block conforms. */
  readonly errors: string[];
  /** `source version` of each provider whose blocks were checked. */
  readonly checked: string[];
  /** Caveats (a schema of another version than the stack requires). */
  readonly notes: string[];
}

function checkBlock(block: SchemaBlock, body: any, at: string, errors: string[], topLevel = false): void {
  if (isExpression(body)) return;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    errors.push(`${at}: must be a block (object), got ${describe(body)}`);
    return;
  }
  const attributes = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  for (const [name, value] of Object.entries(body)) {
    if (topLevel && META_ARGUMENTS.has(name)) continue;
    const attr = attributes[name];
    if (attr) {
      if (attr.computed && !attr.optional && !attr.required) errors.push(`${at}.${name}: is computed by the provider and cannot be set`);
      else if (attr.nested_type) checkNested(attr.nested_type, value, `${at}.${name}`, errors);
      else checkValue(attr.type, value, `${at}.${name}`, errors);
      continue;
    }
    const nested = blocks[name];
    if (nested) {
      checkNestedBlock(nested, value, `${at}.${name}`, errors);
      continue;
    }
    errors.push(`${at}: unknown argument "${name}" (${suggest(name, [...Object.keys(attributes), ...Object.keys(blocks)])})`);
  }
  for (const [name, attr] of Object.entries(attributes)) {
    if (attr.required && body[name] === undefined) errors.push(`${at}: missing required argument "${name}"`);
  }
  for (const [name, nested] of Object.entries(blocks)) {
    if ((nested.min_items ?? 0) > 0 && body[name] === undefined) errors.push(`${at}: missing required block "${name}" (at least ${nested.min_items})`);
  }
}

type NestedBlock = { nesting_mode: string; block: SchemaBlock; min_items?: number; max_items?: number };

function checkNestedBlock(nested: NestedBlock, value: any, at: string, errors: string[]): void {
  if (isExpression(value)) return;
  if (nested.nesting_mode === 'map') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) errors.push(`${at}: must be an object of labelled blocks`);
    else for (const [label, b] of Object.entries(value)) checkBlock(nested.block, b, `${at}["${label}"]`, errors);
    return;
  }
  const items = Array.isArray(value) ? value : [value];
  if (nested.nesting_mode === 'single' || nested.nesting_mode === 'group') {
    if (Array.isArray(value) && value.length !== 1) errors.push(`${at}: takes one block, got ${value.length}`);
  } else {
    if (nested.max_items !== undefined && items.length > nested.max_items) errors.push(`${at}: at most ${nested.max_items} block(s), got ${items.length}`);
    if (nested.min_items !== undefined && items.length < nested.min_items) errors.push(`${at}: at least ${nested.min_items} block(s), got ${items.length}`);
  }
  items.forEach((b, i) => checkBlock(nested.block, b, items.length > 1 || Array.isArray(value) ? `${at}[${i}]` : at, errors));
}

function checkNested(nested: { nesting_mode: string; attributes: Record<string, SchemaAttribute> }, value: any, at: string, errors: string[]): void {
  if (isExpression(value) || value === null) return;
  const block: SchemaBlock = { attributes: nested.attributes };
  if (nested.nesting_mode === 'single') {checkBlock(block, value, at, errors);} else if (nested.nesting_mode === 'map') {
    if (typeof value !== 'object' || Array.isArray(value)) errors.push(`${at}: must be a map, got ${describe(value)}`);
    else for (const [k, v] of Object.entries(value)) checkBlock(block, v, `${at}["${k}"]`, errors);
  } else if (!Array.isArray(value)) {errors.push(`${at}: must be a list, got ${describe(value)}`);} else {value.forEach((v, i) => checkBlock(block, v, `${at}[${i}]`, errors));}
}

/** Check a JSON value against a cty type as Terraform's JSON syntax would convert it. */
function checkValue(type: unknown, value: any, at: string, errors: string[]): void {
  if (value === null || isExpression(value) || type === 'dynamic' || type === undefined) return;
  if (type === 'string') {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') errors.push(`${at}: must be a string, got ${describe(value)}`);
  } else if (type === 'number') {
    if (typeof value !== 'number' && !(typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value)))) errors.push(`${at}: must be a number, got ${describe(value)}`);
  } else if (type === 'bool') {
    if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') errors.push(`${at}: must be a bool, got ${describe(value)}`);
  } else if (Array.isArray(type)) {
    const [kind, inner, optional] = type as [string, any, string[] | undefined];
    if (kind === 'list' || kind === 'set') {
      if (!Array.isArray(value)) errors.push(`${at}: must be a ${kind}, got ${describe(value)}`);
      else value.forEach((v, i) => checkValue(inner, v, `${at}[${i}]`, errors));
    } else if (kind === 'map') {
      if (typeof value !== 'object' || Array.isArray(value)) errors.push(`${at}: must be a map, got ${describe(value)}`);
      else for (const [k, v] of Object.entries(value)) checkValue(inner, v, `${at}["${k}"]`, errors);
    } else if (kind === 'object') {
      if (typeof value !== 'object' || Array.isArray(value)) {errors.push(`${at}: must be an object, got ${describe(value)}`);} else {
        for (const [k, v] of Object.entries(value)) {
          if (!(k in inner)) errors.push(`${at}: unknown attribute "${k}" (${suggest(k, Object.keys(inner))})`);
          else checkValue(inner[k], v, `${at}.${k}`, errors);
        }
        for (const k of Object.keys(inner)) {
          if (value[k] === undefined && !(optional ?? []).includes(k)) errors.push(`${at}: missing attribute "${k}"`);
        }
      }
    } else if (kind === 'tuple') {
      if (!Array.isArray(value) || value.length !== (inner as unknown[]).length) errors.push(`${at}: must be a tuple of ${(inner as unknown[]).length}, got ${describe(value)}`);
      else value.forEach((v, i) => checkValue((inner as unknown[])[i], v, `${at}[${i}]`, errors));
    }
  }
}

function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function suggest(name: string, known: string[]): string {
  const close = known.filter((k) => k.includes(name) || name.includes(k) || distance(k, name) <= 2)
    .sort((a, b) => distance(a, name) - distance(b, name) || (a < b ? -1 : 1));
  return close.length ? `did you mean ${close.slice(0, 3).map((c) => `"${c}"`).join(' or ')}?` : `known: ${known.sort().join(', ')}`;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** Whether a simple version constraint (`=`, `~>`, `>=`, exact, comma-separated) allows `version`. */
function versionAllows(constraint: string, version: string): boolean {
  const v = version.split('.').map(Number);
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  return constraint.split(',').every((part) => {
    const m = part.trim().match(/^(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})$/);
    if (!m) return true; // not understood: do not claim a mismatch
    const op = m[1] ?? '=';
    const w = m[2].split('.').map(Number);
    const c = cmp(v, w);
    switch (op) {
      case '=': return c === 0;
      case '!=': return c !== 0;
      case '>=': return c >= 0;
      case '<=': return c <= 0;
      case '>': return c > 0;
      case '<': return c < 0;
      default: { // ~>: at least w, and the same leading parts except the last given one
        const fixed = w.length - 1;
        return c >= 0 && w.slice(0, Math.max(fixed, 1)).every((x, i) => v[i] === x);
      }
    }
  });
}
