import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import { BucketEvents } from '../../lib/aws/bucket-events';
import { secureQueue } from '../../lib/aws/storage';
import { ConfigError } from '../../lib/core/errors';
import { Keda } from '../../lib/kubernetes/keda';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { ExistingWorkloadIdentity } from '../../lib/platform/existing-cluster';
import { EKS_ACCESS } from '../support/eks-access';
import { defaultRegistry } from '../support/schemas';
import { kubernetesObjects, onlyResource, resourcesOf, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv } from '../support/terraform';

describe('BucketEvents', () => {
  function setup() {
    const app = testApp();
    const stack = new TerraformStack(app, 'events');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    return { app, stack };
  }

  test('one notification per bucket, one queue target per consumer, queue policy scoped to the bucket', () => {
    const { app, stack } = setup();
    const a = secureQueue(stack, 'A', { name: 'p-a' }).queue;
    const b = secureQueue(stack, 'B', { name: 'p-b' }).queue;
    BucketEvents.of(stack, 'acme-data', 'x').sendNewObjectsTo(a, a, 'raw/', '.parquet');
    BucketEvents.of(stack, 'acme-data', 'x').sendNewObjectsTo(b, b, 'frames/');
    const s = synthApp(app).stack('events');
    const n = onlyResource(s, 'aws_s3_bucket_notification');
    expect(n.bucket).toBe('acme-data');
    expect(n.queue.map((q: any) => [q.filter_prefix, q.filter_suffix, q.events])).toEqual([
      ['raw/', '.parquet', ['s3:ObjectCreated:*']], ['frames/', undefined, ['s3:ObjectCreated:*']],
    ]);
    expect(n.depends_on).toHaveLength(2);
    const policies = Object.values<any>(resourcesOf(s, 'aws_sqs_queue_policy')).map((p) => JSON.parse(p.policy).Statement[0]);
    for (const p of policies) {
      expect(p).toMatchObject({ Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::acme-data' } } });
    }
  });

  const env = terraformEnv();
  (skipLoudlyUnlessCi('offline plan of bucket events', env.missing) ? test.skip : test)('plans offline', () => {
    const { app, stack } = setup();
    const a = secureQueue(stack, 'A', { name: 'p-a' }).queue;
    BucketEvents.of(stack, 'acme-data', 'x').sendNewObjectsTo(a, a, 'raw/');
    const result = planOffline(synthApp(app).stack('events').json, { validate: false });
    expect(result.output.slice(-2000)).not.toMatch(/Error:/);
    expect(result.ok).toBe(true);
  }, 120_000);

  test('throws when two consumers overlap, or two stacks configure one bucket', () => {
    const { app, stack } = setup();
    const a = secureQueue(stack, 'A').queue;
    BucketEvents.of(stack, 'acme-data', 'x').sendNewObjectsTo(a, a, 'raw/');
    expect(() => BucketEvents.of(stack, 'acme-data', 'x').sendNewObjectsTo(a, a, 'raw/2026/')).toThrow(/invalid prefix: received "raw\/2026\/".*overlap "raw\/"/);
    const other = new TerraformStack(app, 'other');
    expect(() => BucketEvents.of(other, 'acme-data', 'y/z')).toThrow(ConfigError);
  });
});

describe('cloud scope and KEDA', () => {
  test('an existing cluster puts its cloud resources in the platform AWS stack of its region', () => {
    const app = testApp();
    const p = new AiPlatform(app, 'acme');
    const lab = p.addExistingCluster('lab', { awsRegion: 'eu-central-1' });
    const scope = lab.cloudScopeFor(lab);
    secureQueue(scope as any, 'Q', { name: 'acme-q' });
    const s = synthApp(app).stack('acme-aws-eu-central-1');
    expect(s.json.provider.aws[0].region).toBe('eu-central-1');
    expect(onlyResource(s, 'aws_sqs_queue').name).toBe('acme-q');
  });

  test('throws when an existing cluster without awsRegion needs cloud resources', () => {
    const p = new AiPlatform(testApp(), 'acme');
    const lab = p.addExistingCluster('lab');
    expect(() => lab.cloudScopeFor(lab)).toThrow(/acme\/lab: invalid awsRegion.*acme-aws-<region>/);
    expect(() => p.addExistingCluster('bad', { awsRegion: 'frankfurt' })).toThrow(/awsRegion: received "frankfurt"/);
  });

  test('KEDA on EKS: one operator role reading only the platform queues; trigger auth by operator identity', () => {
    const app = testApp();
    const p = new AiPlatform(app, 'acme');
    const prod = p.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS });
    const keda = Keda.of(prod);
    expect(Keda.of(prod)).toBe(keda);
    expect(keda.awsTriggerAuthentication('jobs', prod)).toBe('aws-keda');
    keda.awsTriggerAuthentication('jobs', prod);
    const synth = synthApp(app);
    const assoc = onlyResource(synth.stack('acme-prod-infra'), 'aws_eks_pod_identity_association');
    expect(assoc).toMatchObject({ namespace: 'keda', service_account: 'keda-operator' });
    const policy = Object.values<any>(resourcesOf(synth.stack('acme-prod-infra'), 'aws_iam_role_policy')).map((x) => JSON.parse(x.policy))[0];
    expect(policy.Statement).toEqual([{ Effect: 'Allow', Action: ['sqs:GetQueueAttributes'], Resource: ['arn:aws:sqs:us-east-1:*:acme-*'] }]);
    const objects = kubernetesObjects(synth);
    expect(objects.map((o) => o.manifest.spec)).toEqual([{ podIdentity: { provider: 'aws', identityOwner: 'keda' } }]);
    for (const o of objects) expect(defaultRegistry().validate(o.manifest)).toEqual([]);
  });

  test('KEDA on an existing cluster reads the credentials secret', () => {
    const app = testApp();
    const lab = new AiPlatform(app, 'acme').addExistingCluster('lab', { workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-creds') });
    Keda.of(lab).awsTriggerAuthentication('jobs', lab);
    const [auth] = kubernetesObjects(synthApp(app));
    expect(auth.manifest.spec.secretTargetRef.map((r: any) => [r.parameter, r.name])).toEqual([['awsAccessKeyID', 'aws-creds'], ['awsSecretAccessKey', 'aws-creds']]);
    expect(defaultRegistry().validate(auth.manifest)).toEqual([]);
  });
});
