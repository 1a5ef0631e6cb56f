// Runtime pieces of the Kubernetes schema validators (test/support/schemas.ts) that the compiled
// validators cached on disk (ajv standalone code) require at load: plain CommonJS so that Node can
// load it from the cache without a TypeScript transform.
'use strict';

/** Ajv formats used by the schemas: checked where cheap and meaningful, otherwise accepted. */
const formats = {
  'int32': { type: 'number', validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  'int64': { type: 'number', validate: (n) => Number.isInteger(n) },
  'byte': /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)$/,
  'quantity': /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[KMGTPE]i|[mkMGTPE])?$/,
  ...Object.fromEntries(['int-or-string', 'float', 'double', 'date', 'duration', 'password', 'uri', 'email',
    'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid'].map((name) => [name, true])),
};

/** Ajv regexp engine for Go (RE2) `pattern`s: a leading `(?i)` becomes the JS `i` flag. */
function goRegExp(pattern, flags) {
  return /\(\?i\)/.test(pattern) ? new RegExp(pattern.replace(/\(\?i\)/g, ''), `${flags}i`) : new RegExp(pattern, flags);
}
goRegExp.code = `require(${JSON.stringify(__filename)}).goRegExp`;

module.exports = { formats, goRegExp };
