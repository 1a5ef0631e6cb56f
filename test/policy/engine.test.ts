/** How the policy checks run: on by default as Aspects, errors fail synth, options, suppressions. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Aspects, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { active, checkPlatform, checkStack } from './support';
import { ConfigError } from '../../lib/core/errors';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { PolicyChecks } from '../../lib/policy/engine';
import { findPolicyRule, POLICY_RULES, PolicySeverity } from '../../lib/policy/rules';
import { Policy } from '../../lib/policy/suppressions';
import { fixture, PROD } from '../cost/support';
import { synthApp, testApp } from '../support/synth';

function annotations(outdir: string): Array<{ constructPath: string; level: string; message: string }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  return Object.values<any>(manifest.stacks).flatMap((s) => s.annotations);
}

describe('policy rule catalog', () => {
  test('18 rules, each with a unique id, a title, a severity and a fix', () => {
    expect(POLICY_RULES.map((r) => r.id)).toEqual([
      'AIP-SEC-001', 'AIP-SEC-002', 'AIP-SEC-003', 'AIP-SEC-004', 'AIP-SEC-005', 'AIP-SEC-006', 'AIP-SEC-007', 'AIP-SEC-008', 'AIP-SEC-009', 'AIP-SEC-010', 'AIP-SEC-011', 'AIP-SEC-012',
      'AIP-AI-001', 'AIP-AI-002', 'AIP-AI-003', 'AIP-AI-004', 'AIP-AI-005', 'AIP-AI-006',
    ]);
    for (const r of POLICY_RULES) {
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.fix.length).toBeGreaterThan(10);
      expect([PolicySeverity.ERROR, PolicySeverity.WARNING]).toContain(r.severity);
    }
    expect(findPolicyRule('AIP-SEC-999')).toBeUndefined();
  });
});

describe('policy checks on a platform', () => {
  test('on by default: an error fails synth, naming the rule, the construct, the fix and how to suppress', () => {
    const f = fixture();
    new S3Bucket(f.cluster.infraStack, 'Data', { bucket: 'acme-data' });
    expect(() => f.app.synth()).toThrow(/\[acme-prod-infra\/Data\] \[AIP-SEC-001\] S3 bucket "acme-data" has no default server-side encryption configuration\. Fix: add an aws_s3_bucket_server_side_encryption_configuration/);
    expect(() => synthApp(fixture().app)).not.toThrow();
  });

  test('warnings annotate (printed by cdktf synth), suppressions are info annotations', () => {
    const f = fixture();
    f.pool('open', { acceleratorTaint: false });
    Policy.suppress(new LaunchTemplate(f.cluster.infraStack, 'Legacy', { metadataOptions: { httpTokens: 'required' }, blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { encrypted: 'false' } }] }), 'AIP-SEC-005', 'instance store only, volume is scratch');
    const notes = annotations(synthApp(f.app).outdir);
    expect(notes).toContainEqual(expect.objectContaining({ level: '@cdktf/warn', message: expect.stringMatching(/^\[AIP-AI-001\] Node group .* To accept the risk: Policy\.suppress\(<acme\/prod\/open>, 'AIP-AI-001', '<reason>'\)\.$/) }));
    expect(notes).toContainEqual(expect.objectContaining({ level: '@cdktf/info', constructPath: 'acme-prod-infra/Legacy', message: expect.stringMatching(/^\[AIP-SEC-005\] suppressed on acme-prod-infra\/Legacy: instance store only/) }));
  });

  test('a platform with clusters and pools only has no finding (rules do nothing when nothing matches)', () => {
    const f = fixture();
    f.pool('l4', {});
    f.platform.addExistingCluster('lab');
    expect(checkPlatform(f.platform)).toEqual([]);
  });

  test('severity per rule: a warning made an error fails synth; OFF silences a rule', () => {
    const strict = fixture({ policy: { rules: { 'AIP-AI-001': PolicySeverity.ERROR } } });
    strict.pool('open', { acceleratorTaint: false });
    expect(() => strict.app.synth()).toThrow(/\[AIP-AI-001\]/);
    const off = fixture({ policy: { rules: { 'AIP-AI-001': PolicySeverity.OFF } } });
    off.pool('open', { acceleratorTaint: false });
    expect(checkPlatform(off.platform)).toEqual([]);
  });

  test('enabled: false turns every check off', () => {
    const f = fixture({ policy: { enabled: false } });
    new S3Bucket(f.cluster.infraStack, 'Data', {});
    expect(() => synthApp(f.app)).not.toThrow();
    expect(f.platform.policyChecks.findings).toEqual([]);
  });

  test('a suppression on the platform covers everything it emits', () => {
    const app = testApp();
    const p = new AiPlatform(app, 'acme');
    const c = p.addEksCluster('prod', PROD);
    new S3Bucket(c.infraStack, 'Data', {});
    Policy.suppress(p, 'AIP-SEC-001', 'encrypted by the account default');
    const found = checkPlatform(p);
    expect(found.filter((x) => x.ruleId === 'AIP-SEC-001').map((x) => [x.ownerPath, x.suppressedBy?.path])).toEqual([['acme/prod', 'acme']]);
    expect(active(found)).toEqual(['AIP-SEC-002', 'AIP-SEC-003']);
  });
});

describe('PolicyChecks on your own stacks', () => {
  test('add it as an Aspect to any stack', () => {
    const app = testApp();
    const stack = new TerraformStack(app, 'mine');
    const checks = new PolicyChecks();
    Aspects.of(stack).add(checks);
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new S3Bucket(stack, 'b', {});
    expect(() => app.synth()).toThrow(/\[mine\/b\] \[AIP-SEC-001\]/);
    expect(checks.findings.map((f) => f.ruleId)).toEqual(['AIP-SEC-001', 'AIP-SEC-002', 'AIP-SEC-003']);
  });

  test('checks report each finding once, even when a stack is checked twice', () => {
    const found = checkStack((s) => new S3Bucket(s, 'b', {}));
    expect(found).toHaveLength(3);
  });
});

describe('policy configuration errors', () => {
  test('throws when a rule id is unknown', () => {
    expect(() => new PolicyChecks({ rules: { 'AIP-SEC-999': PolicySeverity.OFF } })).toThrow(/invalid rules\.AIP-SEC-999: received "AIP-SEC-999"; expected a policy rule id/);
  });
  test('throws when a severity is not a PolicySeverity', () => {
    expect(() => new PolicyChecks({ rules: { 'AIP-SEC-001': 'off' as unknown as PolicySeverity } })).toThrow(/PolicySeverity\.ERROR, PolicySeverity\.WARNING or PolicySeverity\.OFF/);
  });
  test('throws when largeModelGiB is not positive', () => {
    expect(() => new PolicyChecks({ largeModelGiB: 0 })).toThrow(/invalid largeModelGiB/);
  });
  test('throws when a suppression names an unknown rule or gives no reason', () => {
    const app = testApp();
    expect(() => Policy.suppress(app, 'AIP-XYZ', 'because')).toThrow(ConfigError);
    expect(() => Policy.suppress(app, 'AIP-SEC-001', ' ')).toThrow(/invalid reason/);
  });
});

describe('annotations of intent constructs', () => {
  test('warnings on constructs beside the stacks (pools, the platform) reach the synth output, naming their source', () => {
    const f = fixture({ tags: { 'bad tag!': 'x' } });
    const notes = annotations(synthApp(f.app).outdir);
    expect(notes).toContainEqual(expect.objectContaining({
      level: '@cdktf/warn', constructPath: 'acme-prod-infra', message: 'tag bad tag!=x is not a valid Kubernetes label; it is applied to AWS resources only (from acme)',
    }));
  });
});

describe('owners in the platform\'s own AWS stack', () => {
  test('a resource in <platform>-aws-<region> is owned by the construct below its cluster, and suppressed there', () => {
    const app = testApp();
    const p = new AiPlatform(app, 'acme');
    const lab = p.addExistingCluster('lab', { awsRegion: 'us-east-1' });
    const owner = new Construct(lab, 'train');
    new S3Bucket(lab.cloudScopeFor(owner) as Construct, 'Data', {});
    Policy.suppress(owner, 'AIP-SEC-002', 'scratch');
    const found = checkPlatform(p);
    expect(found.map((x) => [x.ruleId, x.path, x.ownerPath, x.suppressedBy?.path])).toEqual([
      ['AIP-SEC-001', 'acme-aws-us-east-1/lab/train/Data', 'acme/lab/train', undefined],
      ['AIP-SEC-002', 'acme-aws-us-east-1/lab/train/Data', 'acme/lab/train', 'acme/lab/train'],
      ['AIP-SEC-003', 'acme-aws-us-east-1/lab/train/Data', 'acme/lab/train', undefined],
    ]);
  });
});
