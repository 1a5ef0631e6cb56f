/**
 * What compiled Kubernetes schema validators need at run time: the formats the schemas use and a
 * regular-expression engine for Go (RE2) patterns. Its own module so that validators cached on disk
 * as ajv standalone code can `require` it.
 */
import type { Format } from 'ajv';
import type { RegExpEngine } from 'ajv/dist/types';

/** Ajv formats used by the schemas: checked where cheap and meaningful, otherwise accepted. */
export const formats: Record<string, Format> = {
  'int32': { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  'int64': { type: 'number', validate: (n: number) => Number.isInteger(n) },
  'byte': /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)$/,
  'quantity': /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[KMGTPE]i|[mkMGTPE])?$/,
  ...Object.fromEntries(['int-or-string', 'float', 'double', 'date', 'duration', 'password', 'uri', 'email',
    'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid'].map((name) => [name, true as const])),
};

/** Ajv regexp engine for Go (RE2) `pattern`s: a leading `(?i)` becomes the JS `i` flag. */
export const goRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => /\(\?i\)/.test(pattern) ? new RegExp(pattern.replace(/\(\?i\)/g, ''), `${flags}i`) : new RegExp(pattern, flags),
  { code: 'new RegExp' },
);
