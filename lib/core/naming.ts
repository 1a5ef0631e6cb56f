import { createHash } from 'node:crypto';
import { Token } from 'cdktf';
import { ConfigError } from './errors';

/**
 * Name checks for Kubernetes and AWS names, and helpers that build valid names.
 *
 * Every `validateXxx(value, path, field)` returns `value` unchanged when it is valid, and throws a
 * {@link ConfigError} naming the construct path, the field, the value and what would be valid
 * (followed by the precise problem, e.g. `(it has 70 characters)`) when it is not. Values that
 * contain an unresolved token are returned without checks: their content is only known at apply.
 */

const DNS_LABEL = "a DNS-1123 label: at most 63 characters of lower-case a-z, 0-9 and '-', starting and ending with an alphanumeric character";
const DNS_SUBDOMAIN = "a DNS-1123 subdomain: at most 253 characters of lower-case a-z, 0-9, '-' and '.', made of dot-separated labels that each start and end with an alphanumeric character";
const LABEL_KEY = "a Kubernetes label key: an optional DNS-1123 subdomain prefix followed by '/', then a name of at most 63 characters of a-z, A-Z, 0-9, '-', '_' and '.', starting and ending with an alphanumeric character (e.g. \"app.kubernetes.io/name\")";
const LABEL_VALUE = "a Kubernetes label value: empty, or at most 63 characters of a-z, A-Z, 0-9, '-', '_' and '.', starting and ending with an alphanumeric character";
const EKS_CLUSTER = "an EKS cluster name: 1 to 100 characters of a-z, A-Z, 0-9, '-' and '_', starting with a letter or digit";
const IAM_ROLE = 'an IAM role name: 1 to 64 characters of a-z, A-Z, 0-9 and + = , . @ _ -';
const IAM_ROLE_PREFIX = 'an IAM role name prefix: 1 to 38 characters of a-z, A-Z, 0-9 and + = , . @ _ - (Terraform appends a 26-character unique suffix)';
const S3_BUCKET = "an S3 bucket name: 3 to 63 characters of lower-case a-z, 0-9, '.' and '-', starting and ending with a letter or digit, without '..', not formatted as an IP address, not starting with 'xn--', 'sthree-' or 'amzn-s3-demo-', and not ending with '-s3alias', '--ol-s3', '.mrap', '--x-s3' or '--table-s3'";

/** Prefixes and suffixes that AWS reserves for S3 general purpose bucket names. */
const S3_RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const S3_RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Length of the hash suffix appended by {@link toDnsLabel} and {@link joinName}. */
const HASH_LENGTH = 8;

/**
 * Validate an RFC 1123 DNS label (Kubernetes `IsDNS1123Label`): 1 to 63 characters of `a-z`, `0-9`
 * and `-`, starting and ending with an alphanumeric character. Used for namespace and service names.
 *
 * @param value the name to check; returned unchanged
 * @param path construct path for the error message (`node.path`)
 * @param field property name for the error message
 * @throws ConfigError when the value is not a DNS label
 */
export function validateDnsLabel(value: string, path: string, field: string): string {
  return check(value, path, field, DNS_LABEL, (v) => dnsLabelProblem(v, 'it'));
}

/**
 * Validate an RFC 1123 DNS subdomain (Kubernetes `IsDNS1123Subdomain`, the rule for most object
 * names): 1 to 253 characters, dot-separated labels of `a-z`, `0-9` and `-` that start and end with
 * an alphanumeric character. Like Kubernetes, the 63-character limit of each label is not enforced.
 *
 * @param value the name to check; returned unchanged
 * @param path construct path for the error message (`node.path`)
 * @param field property name for the error message
 * @throws ConfigError when the value is not a DNS subdomain
 */
export function validateDnsSubdomain(value: string, path: string, field: string): string {
  return check(value, path, field, DNS_SUBDOMAIN, (v) => dnsSubdomainProblem(v, 'it'));
}

/**
 * Validate a Kubernetes label (or annotation) key: an optional DNS-subdomain prefix and `/`, then a
 * name of 1 to 63 characters matching `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
 *
 * @param value the key to check; returned unchanged
 * @param path construct path for the error message (`node.path`)
 * @param field property name for the error message
 * @throws ConfigError when the value is not a label key
 */
export function validateLabelKey(value: string, path: string, field: string): string {
  return check(value, path, field, LABEL_KEY, labelKeyProblem);
}

/**
 * Validate a Kubernetes label value: empty, or 1 to 63 characters matching
 * `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
 *
 * @param value the label value to check; returned unchanged
 * @param path construct path for the error message (`node.path`)
 * @param field property name for the error message
 * @throws ConfigError when the value is not a label value
 */
export function validateLabelValue(value: string, path: string, field: string): string {
  return check(value, path, field, LABEL_VALUE, (v) => (v === '' ? undefined : qualifiedNameProblem(v, 'it')));
}

/**
 * Validate an EKS cluster name: 1 to 100 characters matching `^[0-9A-Za-z][A-Za-z0-9\-_]*$`.
 *
 * @param value the name to check; returned unchanged
 * @param path construct path for the error message (`node.path`)
 * @param field property name for the error message
 * @throws ConfigError when the value is not a valid EKS cluster name
 */
export function validateEksClusterName(value: string, path: string, field: string): string {
  return check(value, path, field, EKS_CLUSTER, (v) =>
    lengthProblem(v, 1, 100, 'it') ?? charProblem(v, /[A-Za-z0-9_-]/, 'it') ?? edgeProblem(v, /[A-Za-z0-9]/, 'it', false));
}

/**
 * Validate an IAM role name: 1 to 64 characters matching `[\w+=,.@-]+`.
 *
 * @param value the name to check; returned unchanged
 * @param path construct path for the error message (`node.path`)
 * @param field property name for the error message
 * @throws ConfigError when the value is not a valid IAM role name
 */
export function validateIamRoleName(value: string, path: string, field: string): string {
  return check(value, path, field, IAM_ROLE, (v) => lengthProblem(v, 1, 64, 'it') ?? charProblem(v, /[\w+=,.@-]/, 'it'));
}

/**
 * Validate an IAM role `name_prefix`: 1 to 38 characters matching `[\w+=,.@-]+` (Terraform appends
 * a 26-character suffix, and role names are limited to 64).
 *
 * @param value the prefix to check; returned unchanged
 * @param path construct path for the error message (`node.path`)
 * @param field property name for the error message
 * @throws ConfigError when the value is not a valid IAM role name prefix
 */
export function validateIamRoleNamePrefix(value: string, path: string, field: string): string {
  return check(value, path, field, IAM_ROLE_PREFIX, (v) => lengthProblem(v, 1, 38, 'it') ?? charProblem(v, /[\w+=,.@-]/, 'it'));
}

/**
 * Validate an S3 general purpose bucket name: 3 to 63 characters of `a-z`, `0-9`, `.` and `-`,
 * starting and ending with a letter or digit, without `..`, not formatted as an IPv4 address, and
 * without the prefixes (`xn--`, `sthree-`, `amzn-s3-demo-`) and suffixes (`-s3alias`, `--ol-s3`,
 * `.mrap`, `--x-s3`, `--table-s3`) that AWS reserves.
 *
 * @param value the bucket name to check; returned unchanged
 * @param path construct path for the error message (`node.path`)
 * @param field property name for the error message
 * @throws ConfigError when the value is not a valid bucket name
 */
export function validateS3BucketName(value: string, path: string, field: string): string {
  return check(value, path, field, S3_BUCKET, (v) => {
    const prefix = S3_RESERVED_PREFIXES.find((p) => v.startsWith(p));
    const suffix = S3_RESERVED_SUFFIXES.find((s) => v.endsWith(s));
    return lengthProblem(v, 3, 63, 'it')
      ?? charProblem(v, /[a-z0-9.-]/, 'it')
      ?? edgeProblem(v, /[a-z0-9]/, 'it')
      ?? (v.includes('..') ? 'it contains ".."' : undefined)
      ?? (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) ? 'it is formatted as an IP address' : undefined)
      ?? (prefix !== undefined ? `it starts with the reserved prefix ${JSON.stringify(prefix)}` : undefined)
      ?? (suffix !== undefined ? `it ends with the reserved suffix ${JSON.stringify(suffix)}` : undefined);
  });
}

/**
 * Turn any string, e.g. a construct id like `Prod_GPU.Pool`, into a valid DNS-1123 label,
 * deterministically: accents are dropped, letters lower-cased, every run of other characters
 * becomes `-`, and leading and trailing `-` are trimmed (`prod-gpu-pool`). When the result is
 * longer than `maxLength` it is truncated and suffixed with `-` and the first 8 hex characters of
 * the SHA-256 of the untruncated label, so that long inputs stay distinct.
 *
 * Inputs that differ only in case or punctuation give the same label.
 *
 * @param input any string without unresolved tokens
 * @param maxLength the longest label to return, from 1 to 63 (default 63)
 * @throws ConfigError when `maxLength` is out of range, the input holds an unresolved token, or
 *   no letter or digit is left
 */
export function toDnsLabel(input: string, maxLength: number = 63): string {
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > 63) {
    throw new ConfigError('-', 'maxLength', maxLength, 'an integer from 1 to 63');
  }
  if (Token.isUnresolved(input)) {
    throw new ConfigError('-', 'name', input, 'a plain string: an unresolved token cannot be turned into a DNS label at synth');
  }
  const label = String(input)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (label === '') {
    throw new ConfigError('-', 'name', input, 'a string with at least one letter or digit (a-z, 0-9)');
  }
  return shorten(label, maxLength, '-');
}

/**
 * Join name parts with `separator` (empty parts are dropped) and, when the result is longer than
 * `maxLength`, truncate it and append `separator` and the first 8 hex characters of the SHA-256 of
 * the full joined name, so that long names stay distinct and stable across synths. When
 * `maxLength` leaves no room for any of the name, the hash alone (cut to `maxLength`) is returned.
 *
 * A joined name that contains an unresolved token is returned as is: its length is unknown at synth.
 * The parts are not validated; check the result with the matching `validateXxx` function.
 *
 * @param parts the name parts, in order
 * @param maxLength the longest name to return (a positive integer)
 * @param separator placed between parts and before the hash (default `-`)
 * @throws ConfigError when `maxLength` is not a positive integer
 */
export function joinName(parts: string[], maxLength: number, separator: string = '-'): string {
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new ConfigError('-', 'maxLength', maxLength, 'a positive integer');
  }
  const joined = parts.filter((part) => part !== '').join(separator);
  return Token.isUnresolved(joined) ? joined : shorten(joined, maxLength, separator);
}

/** Run `problemOf` unless the value holds a token; throw a ConfigError naming the problem. */
function check(value: string, path: string, field: string, hint: string, problemOf: (v: string) => string | undefined): string {
  if (typeof value !== 'string') {
    throw new ConfigError(path, field, value, `${hint} (it is not a string)`);
  }
  if (Token.isUnresolved(value)) return value;
  const problem = problemOf(value);
  if (problem !== undefined) {
    throw new ConfigError(path, field, value, `${hint} (${problem})`);
  }
  return value;
}

function dnsLabelProblem(v: string, subject: string): string | undefined {
  return lengthProblem(v, 1, 63, subject) ?? charProblem(v, /[a-z0-9-]/, subject) ?? edgeProblem(v, /[a-z0-9]/, subject);
}

function dnsSubdomainProblem(v: string, subject: string): string | undefined {
  const problem = lengthProblem(v, 1, 253, subject) ?? charProblem(v, /[a-z0-9.-]/, subject);
  if (problem !== undefined) return problem;
  for (const label of v.split('.')) {
    if (label === '') return `${subject} has an empty label (a leading, trailing or doubled '.')`;
    const edge = edgeProblem(label, /[a-z0-9]/, `label ${JSON.stringify(label)}`);
    if (edge !== undefined) return edge;
  }
  return undefined;
}

/** Kubernetes `IsQualifiedName`: `[prefix/]name`. */
function labelKeyProblem(v: string): string | undefined {
  const parts = v.split('/');
  if (parts.length > 2) return "it contains more than one '/'";
  if (parts.length === 1) return qualifiedNameProblem(v, 'it');
  const [prefix, name] = parts;
  if (prefix === '') return "the prefix before '/' is empty";
  return dnsSubdomainProblem(prefix, 'the prefix') ?? qualifiedNameProblem(name, "the name after '/'");
}

/** The name part of a label key, and a non-empty label value. */
function qualifiedNameProblem(v: string, subject: string): string | undefined {
  return lengthProblem(v, 1, 63, subject) ?? charProblem(v, /[A-Za-z0-9._-]/, subject) ?? edgeProblem(v, /[A-Za-z0-9]/, subject);
}

function lengthProblem(v: string, min: number, max: number, subject: string): string | undefined {
  if (v.length === 0 && min > 0) return `${subject} is empty`;
  if (v.length < min || v.length > max) return `${subject} has ${v.length} characters`;
  return undefined;
}

/** `allowed` matches one allowed character. */
function charProblem(v: string, allowed: RegExp, subject: string): string | undefined {
  const bad = [...v].find((c) => !allowed.test(c));
  return bad === undefined ? undefined : `${subject} contains ${JSON.stringify(bad)}`;
}

/** `allowed` matches one character allowed at the start (and at the end when `ends`). */
function edgeProblem(v: string, allowed: RegExp, subject: string, ends = true): string | undefined {
  if (!allowed.test(v[0])) return `${subject} starts with ${JSON.stringify(v[0])}`;
  if (ends && !allowed.test(v[v.length - 1])) return `${subject} ends with ${JSON.stringify(v[v.length - 1])}`;
  return undefined;
}

/** Cut `text` to `maxLength`, keeping it distinct with a hash of the whole text. */
function shorten(text: string, maxLength: number, separator: string): string {
  if (text.length <= maxLength) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
  let head = text.slice(0, Math.max(0, maxLength - separator.length - hash.length));
  while (separator !== '' && head.endsWith(separator)) head = head.slice(0, -separator.length);
  return head === '' ? hash.slice(0, maxLength) : `${head}${separator}${hash}`;
}

/**
 * Order `[key, value]` entries by key in code-point order. Synthesized output must not depend on
 * the machine's locale (`localeCompare` does), and the first `localeCompare` call also costs
 * ~15 ms of ICU collator start-up at synth.
 */
export function byKey(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** Whether `value` looks like an AWS region code (`us-east-1`, `us-gov-west-1`, `eu-central-2`). @internal */
export function isAwsRegion(value: string): boolean {
  return /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(value);
}
