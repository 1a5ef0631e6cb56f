import { Lazy, Token } from 'cdktf';
import { ConfigError } from '../../lib/core/errors';
import {
  joinName,
  toDnsLabel,
  validateDnsLabel,
  validateDnsSubdomain,
  validateEksClusterName,
  validateIamRoleName,
  validateIamRoleNamePrefix,
  validateLabelKey,
  validateLabelValue,
  validateS3BucketName,
} from '../../lib/core/naming';

type Validator = (value: string, path: string, field: string) => string;

const PATH = 'Stack/GpuPool';
const FIELD = 'name';

const HINTS = {
  dnsLabel: "a DNS-1123 label: at most 63 characters of lower-case a-z, 0-9 and '-', starting and ending with an alphanumeric character",
  dnsSubdomain: 'a DNS-1123 subdomain: at most 253 characters',
  labelKey: 'a Kubernetes label key: an optional DNS-1123 subdomain prefix',
  labelValue: 'a Kubernetes label value: empty, or at most 63 characters',
  eks: 'an EKS cluster name: 1 to 100 characters',
  iamRole: 'an IAM role name: 1 to 64 characters',
  iamRolePrefix: 'an IAM role name prefix: 1 to 38 characters',
  s3: 'an S3 bucket name: 3 to 63 characters',
};

/** Assert a ConfigError naming the path, the field, the received value, the hint and the problem. */
function expectRejected(validate: Validator, value: string, hint: string, problem: string): void {
  const call = () => validate(value, PATH, FIELD);
  expect(call).toThrow(ConfigError);
  expect(call).toThrow(`${PATH}: invalid ${FIELD}: received ${JSON.stringify(value)}; expected ${hint}`);
  expect(call).toThrow(`(${problem})`);
}

describe('validators', () => {
  const tokens: Array<[string, string]> = [
    ['Token.asString', Token.asString({ Ref: 'x' })],
    ['Lazy.stringValue', Lazy.stringValue({ produce: () => 'NOT_A_NAME' })],
    ['a string embedding a token', `prefix-${Token.asString({ Ref: 'x' })}`],
  ];
  const all: Array<[string, Validator]> = [
    ['validateDnsLabel', validateDnsLabel],
    ['validateDnsSubdomain', validateDnsSubdomain],
    ['validateLabelKey', validateLabelKey],
    ['validateLabelValue', validateLabelValue],
    ['validateEksClusterName', validateEksClusterName],
    ['validateIamRoleName', validateIamRoleName],
    ['validateIamRoleNamePrefix', validateIamRoleNamePrefix],
    ['validateS3BucketName', validateS3BucketName],
  ];

  describe.each(all)('%s', (_name, validate) => {
    test.each(tokens)('skips %s', (_kind, token) => {
      expect(validate(token, PATH, FIELD)).toBe(token);
    });

    test('throws when the value is not a string', () => {
      const call = () => validate(undefined as unknown as string, PATH, FIELD);
      expect(call).toThrow(ConfigError);
      expect(call).toThrow(`${PATH}: invalid ${FIELD}: received undefined; expected `);
      expect(call).toThrow('(it is not a string)');
    });
  });
});

describe('validateDnsLabel', () => {
  test.each(['a', 'gpu-pool', '0', 'a1-b2', 'x'.repeat(63)])('accepts %j', (value) => {
    expect(validateDnsLabel(value, PATH, FIELD)).toBe(value);
  });

  test.each([
    ['it is empty', '', 'it is empty'],
    ['it is longer than 63 characters', 'x'.repeat(64), 'it has 64 characters'],
    ['it has upper-case letters', 'GpuPool', 'it contains "G"'],
    ['it has an underscore', 'gpu_pool', 'it contains "_"'],
    ['it has a dot', 'gpu.pool', 'it contains "."'],
    ['it starts with a hyphen', '-gpu', 'it starts with "-"'],
    ['it ends with a hyphen', 'gpu-', 'it ends with "-"'],
  ])('throws when %s', (_case, value, problem) => {
    expectRejected(validateDnsLabel, value, HINTS.dnsLabel, problem);
  });
});

describe('validateDnsSubdomain', () => {
  test.each(['a', 'example.com', 'gpu-pool.team-a.svc', 'a'.repeat(70), `${'a'.repeat(63)}.${'b'.repeat(189)}`])('accepts %j', (value) => {
    expect(validateDnsSubdomain(value, PATH, FIELD)).toBe(value);
  });

  test.each([
    ['it is empty', '', 'it is empty'],
    ['it is longer than 253 characters', 'a'.repeat(254), 'it has 254 characters'],
    ['it has upper-case letters', 'Example.com', 'it contains "E"'],
    ['it has an underscore', 'my_app.example.com', 'it contains "_"'],
    ['it starts with a dot', '.example.com', "it has an empty label (a leading, trailing or doubled '.')"],
    ['it ends with a dot', 'example.com.', "it has an empty label (a leading, trailing or doubled '.')"],
    ['it has two dots in a row', 'example..com', "it has an empty label (a leading, trailing or doubled '.')"],
    ['a label starts with a hyphen', 'example.-com', 'label "-com" starts with "-"'],
    ['a label ends with a hyphen', 'example-.com', 'label "example-" ends with "-"'],
  ])('throws when %s', (_case, value, problem) => {
    expectRejected(validateDnsSubdomain, value, HINTS.dnsSubdomain, problem);
  });
});

describe('validateLabelKey', () => {
  test.each([
    'app',
    'App_Name.v1',
    'app.kubernetes.io/name',
    'nvidia.com/gpu.product',
    'karpenter.sh/capacity-type',
    `example.com/${'n'.repeat(63)}`,
  ])('accepts %j', (value) => {
    expect(validateLabelKey(value, PATH, FIELD)).toBe(value);
  });

  test.each([
    ['it is empty', '', 'it is empty'],
    ['it has more than one slash', 'a/b/c', "it contains more than one '/'"],
    ['the prefix is empty', '/name', "the prefix before '/' is empty"],
    ['the prefix is longer than 253 characters', `${'a'.repeat(254)}/name`, 'the prefix has 254 characters'],
    ['the prefix has upper-case letters', 'Example.com/name', 'the prefix contains "E"'],
    ['the prefix has an empty label', 'example..com/name', "the prefix has an empty label (a leading, trailing or doubled '.')"],
    ['a prefix label starts with a hyphen', '-example.com/name', 'label "-example" starts with "-"'],
    ['the name after the prefix is empty', 'example.com/', "the name after '/' is empty"],
    ['the name after the prefix is longer than 63 characters', `example.com/${'n'.repeat(64)}`, "the name after '/' has 64 characters"],
    ['the name after the prefix has an invalid character', 'example.com/a b', 'the name after \'/\' contains " "'],
    ['the name after the prefix ends with a dot', 'example.com/name.', 'the name after \'/\' ends with "."'],
    ['the name is longer than 63 characters', 'n'.repeat(64), 'it has 64 characters'],
    ['the name has an invalid character', 'app:name', 'it contains ":"'],
    ['the name starts with an underscore', '_app', 'it starts with "_"'],
    ['the name ends with a hyphen', 'app-', 'it ends with "-"'],
  ])('throws when %s', (_case, value, problem) => {
    expectRejected(validateLabelKey, value, HINTS.labelKey, problem);
  });
});

describe('validateLabelValue', () => {
  test.each(['', 'a', 'NVIDIA-H100-80GB-HBM3', 'on_demand.v1', 'v'.repeat(63)])('accepts %j', (value) => {
    expect(validateLabelValue(value, PATH, FIELD)).toBe(value);
  });

  test.each([
    ['it is longer than 63 characters', 'v'.repeat(64), 'it has 64 characters'],
    ['it has a slash', 'a/b', 'it contains "/"'],
    ['it has a space', 'a b', 'it contains " "'],
    ['it starts with a dot', '.a', 'it starts with "."'],
    ['it ends with an underscore', 'a_', 'it ends with "_"'],
  ])('throws when %s', (_case, value, problem) => {
    expectRejected(validateLabelValue, value, HINTS.labelValue, problem);
  });
});

describe('validateEksClusterName', () => {
  test.each(['a', 'Prod_Cluster-1', '0cluster', 'c'.repeat(100)])('accepts %j', (value) => {
    expect(validateEksClusterName(value, PATH, FIELD)).toBe(value);
  });

  test.each([
    ['it is empty', '', 'it is empty'],
    ['it is longer than 100 characters', 'c'.repeat(101), 'it has 101 characters'],
    ['it has a dot', 'prod.cluster', 'it contains "."'],
    ['it starts with a hyphen', '-prod', 'it starts with "-"'],
    ['it starts with an underscore', '_prod', 'it starts with "_"'],
  ])('throws when %s', (_case, value, problem) => {
    expectRejected(validateEksClusterName, value, HINTS.eks, problem);
  });
});

describe('validateIamRoleName', () => {
  test.each(['a', 'Gpu+Node=Role,v1.0@team_a-b', 'r'.repeat(64)])('accepts %j', (value) => {
    expect(validateIamRoleName(value, PATH, FIELD)).toBe(value);
  });

  test.each([
    ['it is empty', '', 'it is empty'],
    ['it is longer than 64 characters', 'r'.repeat(65), 'it has 65 characters'],
    ['it has a slash', 'team/role', 'it contains "/"'],
    ['it has a space', 'my role', 'it contains " "'],
  ])('throws when %s', (_case, value, problem) => {
    expectRejected(validateIamRoleName, value, HINTS.iamRole, problem);
  });
});

describe('validateIamRoleNamePrefix', () => {
  test.each(['a', 'gpu-node-', 'p'.repeat(38)])('accepts %j', (value) => {
    expect(validateIamRoleNamePrefix(value, PATH, FIELD)).toBe(value);
  });

  test.each([
    ['it is empty', '', 'it is empty'],
    ['it is longer than 38 characters', 'p'.repeat(39), 'it has 39 characters'],
    ['it has a colon', 'gpu:node', 'it contains ":"'],
  ])('throws when %s', (_case, value, problem) => {
    expectRejected(validateIamRoleNamePrefix, value, HINTS.iamRolePrefix, problem);
  });
});

describe('validateS3BucketName', () => {
  test.each(['abc', 'my-model-weights', 'logs.example.com', '1bucket9', 'b'.repeat(63), '192.168.1.1a', 'xn-a', 'a-s3aliasx'])('accepts %j', (value) => {
    expect(validateS3BucketName(value, PATH, FIELD)).toBe(value);
  });

  test.each([
    ['it is empty', '', 'it is empty'],
    ['it is shorter than 3 characters', 'ab', 'it has 2 characters'],
    ['it is longer than 63 characters', 'b'.repeat(64), 'it has 64 characters'],
    ['it has upper-case letters', 'MyBucket', 'it contains "M"'],
    ['it has an underscore', 'my_bucket', 'it contains "_"'],
    ['it starts with a hyphen', '-bucket', 'it starts with "-"'],
    ['it starts with a dot', '.bucket', 'it starts with "."'],
    ['it ends with a dot', 'bucket.', 'it ends with "."'],
    ['it has two dots in a row', 'my..bucket', 'it contains ".."'],
    ['it is formatted as an IP address', '192.168.5.4', 'it is formatted as an IP address'],
    ['it starts with xn--', 'xn--bucket', 'it starts with the reserved prefix "xn--"'],
    ['it starts with sthree-', 'sthree-bucket', 'it starts with the reserved prefix "sthree-"'],
    ['it starts with amzn-s3-demo-', 'amzn-s3-demo-bucket', 'it starts with the reserved prefix "amzn-s3-demo-"'],
    ['it ends with -s3alias', 'bucket-s3alias', 'it ends with the reserved suffix "-s3alias"'],
    ['it ends with --ol-s3', 'bucket--ol-s3', 'it ends with the reserved suffix "--ol-s3"'],
    ['it ends with .mrap', 'bucket.mrap', 'it ends with the reserved suffix ".mrap"'],
    ['it ends with --x-s3', 'bucket--x-s3', 'it ends with the reserved suffix "--x-s3"'],
    ['it ends with --table-s3', 'bucket--table-s3', 'it ends with the reserved suffix "--table-s3"'],
  ])('throws when %s', (_case, value, problem) => {
    expectRejected(validateS3BucketName, value, HINTS.s3, problem);
  });
});

describe('toDnsLabel', () => {
  test.each([
    ['Prod_GPU.Pool', 'prod-gpu-pool'],
    ['  --Llama 3.1 70B--  ', 'llama-3-1-70b'],
    ['Café Crème', 'cafe-creme'],
    ['already-valid', 'already-valid'],
    ['a__b..c', 'a-b-c'],
  ])('turns %j into %j', (input, expected) => {
    expect(toDnsLabel(input)).toBe(expected);
  });

  test('truncates long input and appends a stable 8-character hash', () => {
    const input = `Training_${'Job'.repeat(30)}`;
    const label = toDnsLabel(input);
    expect(label).toHaveLength(63);
    expect(label).toMatch(/^training-(job)+-[0-9a-f]{8}$/);
    expect(toDnsLabel(input)).toBe(label);
    expect(validateDnsLabel(label, PATH, FIELD)).toBe(label);
  });

  test('keeps long inputs that differ only at the end distinct', () => {
    const a = toDnsLabel(`${'x'.repeat(70)}-a`);
    const b = toDnsLabel(`${'x'.repeat(70)}-b`);
    expect(a).not.toBe(b);
    expect(a.slice(0, 54)).toBe(b.slice(0, 54));
  });

  test('gives inputs that differ only in case or punctuation the same label', () => {
    expect(toDnsLabel(`Prod_${'X'.repeat(70)}`)).toBe(toDnsLabel(`prod-${'x'.repeat(70)}`));
  });

  test('respects maxLength and never ends the head with a hyphen', () => {
    const label = toDnsLabel('abc-'.repeat(30), 21);
    expect(label).toHaveLength(20);
    expect(label).toMatch(/^abc-abc-abc-[0-9a-f]{8}$/);
  });

  test('returns only the hash when maxLength leaves no room for the name', () => {
    expect(toDnsLabel('abcdefghijkl', 5)).toMatch(/^[0-9a-f]{5}$/);
  });

  test('throws when nothing alphanumeric is left', () => {
    const call = () => toDnsLabel('--_.!');
    expect(call).toThrow(ConfigError);
    expect(call).toThrow('-: invalid name: received "--_.!"; expected a string with at least one letter or digit (a-z, 0-9)');
  });

  test.each([0, 64, 10.5])('throws when maxLength is %p', (maxLength) => {
    const call = () => toDnsLabel('gpu', maxLength);
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(`-: invalid maxLength: received ${maxLength}; expected an integer from 1 to 63`);
  });

  test('throws when the input is an unresolved token', () => {
    const call = () => toDnsLabel(Token.asString({ Ref: 'x' }));
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(/-: invalid name: received ".*"; expected a plain string: an unresolved token cannot be turned into a DNS label/);
  });
});

describe('joinName', () => {
  test('joins parts with the separator and drops empty parts', () => {
    expect(joinName(['team-a', '', 'gpu', 'pool'], 63)).toBe('team-a-gpu-pool');
    expect(joinName(['a', 'b'], 63, '_')).toBe('a_b');
  });

  test('shortens with a stable hash when too long', () => {
    const parts = ['cluster', 'x'.repeat(60), 'role'];
    const name = joinName(parts, 64);
    expect(name).toHaveLength(64);
    expect(name).toMatch(/^cluster-x+-[0-9a-f]{8}$/);
    expect(joinName(parts, 64)).toBe(name);
    expect(joinName(['cluster', 'x'.repeat(60), 'node'], 64)).not.toBe(name);
  });

  test('does not leave a dangling separator before the hash', () => {
    expect(joinName(['abcd', 'efghijklmnop'], 14, '_')).toMatch(/^abcd_[0-9a-f]{8}$/);
  });

  test('returns the hash alone when maxLength leaves no room for the name', () => {
    expect(joinName(['abcdef', 'ghijkl'], 6)).toMatch(/^[0-9a-f]{6}$/);
  });

  test('returns a name with an unresolved token unshortened', () => {
    const token = Token.asString({ Ref: 'x' });
    expect(joinName(['prefix', token], 5)).toBe(`prefix-${token}`);
  });

  test.each([0, -1, 2.5])('throws when maxLength is %p', (maxLength) => {
    const call = () => joinName(['a'], maxLength);
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(`-: invalid maxLength: received ${maxLength}; expected a positive integer`);
  });
});
