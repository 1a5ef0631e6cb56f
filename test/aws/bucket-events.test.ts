import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { TerraformStack } from 'cdktf';
import { BucketEvents } from '../../lib/aws/bucket-events';
import { secureQueue } from '../../lib/aws/storage';
import { ConfigError } from '../../lib/core/errors';
import { Keda } from '../../lib/kubernetes/keda';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { ExistingWorkloadIdentity } from '../../lib/platform/existing-cluster';
import { messages } from '../serving/support';
import { EKS_ACCESS } from '../support/eks-access';
import { defaultRegistry } from '../support/schemas';
import { kubernetesObjects, onlyResource, resourcesOf, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv } from '../support/terraform';

describe('BucketEvents', () => {
  function setup(bucketRegion?: string) {
    const app = testApp();
    const stack = new TerraformStack(app, 'events');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    if (bucketRegion) {
      // The program defines the bucket (as AiPlatform.addBucket does, in a stack of its region).
      const storage = new TerraformStack(app, 'storage');
      new AwsProvider(storage, 'aws', { region: bucketRegion });
      new S3Bucket(storage, 'Data', { bucket: 'acme-data' });
    }
    return { app, stack };
  }

  test('a bucket the program defines: one notification, one queue target per consumer, the TLS-only queue policy lets the bucket only send', () => {
    const { app, stack } = setup('us-east-1');
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
    const policies = Object.values<any>(resourcesOf(s, 'aws_sqs_queue_policy')).filter((p) => ['${aws_sqs_queue.A.url}', '${aws_sqs_queue.B.url}'].includes(p.queue_url));
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      const [tls, allow] = JSON.parse(p.policy).Statement;
      expect(tls).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
      expect(allow).toMatchObject({ Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::acme-data' } } });
    }
  });

  test('a bucket the program does not define: its notification configuration is not touched; an EventBridge rule feeds the queue, and a warning says what its owner must turn on', () => {
    const { app, stack } = setup();
    const a = secureQueue(stack, 'A', { name: 'p-a' }).queue;
    const events = BucketEvents.of(stack, 'acme-data', 'x');
    events.sendNewObjectsTo(a, a, 'raw/', '.parquet');
    expect(events.managed).toBe(false);
    const s = synthApp(app).stack('events');
    expect(resourcesOf(s, 'aws_s3_bucket_notification')).toEqual({});
    const rule = onlyResource(s, 'aws_cloudwatch_event_rule');
    expect(JSON.parse(rule.event_pattern)).toEqual({
      'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': { bucket: { name: ['acme-data'] }, object: { key: [{ wildcard: 'raw/*.parquet' }] } },
    });
    const target = Object.values<any>(resourcesOf(s, 'aws_cloudwatch_event_target'))[0];
    expect(target.arn).toBe('${aws_sqs_queue.A.arn}');
    const queuePolicy = Object.values<any>(resourcesOf(s, 'aws_sqs_queue_policy')).find((p) => p.queue_url === '${aws_sqs_queue.A.url}');
    expect(JSON.parse(queuePolicy.policy).Statement[1]).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': expect.stringMatching(/aws_cloudwatch_event_rule/) } } });
    expect(messages(events)).toEqual([expect.stringMatching(/^s3:\/\/acme-data is not defined in this program, so its notification configuration is left to its owner .*its owner must turn on its EventBridge delivery/)]);
  });

  test('opting in (configureNotifications) owns the notification configuration of a bucket defined elsewhere', () => {
    const { app, stack } = setup();
    BucketEvents.of(stack, 'acme-data', 'x', { configureNotifications: true }).enableEventBridge();
    expect(onlyResource(synthApp(app).stack('events'), 'aws_s3_bucket_notification')).toMatchObject({ bucket: 'acme-data', eventbridge: true });
  });

  test('throws when the bucket the program defines is in another region than the consumer (S3 sends events in its own region only)', () => {
    const { stack } = setup('eu-west-1');
    expect(() => BucketEvents.of(stack, 'acme-data', 'acme/recs')).toThrow(/acme\/recs: invalid bucket: received "s3:\/\/acme-data"; expected a bucket in us-east-1.*is in eu-west-1.*would never fire/);
  });

  const env = terraformEnv();
  (skipLoudlyUnlessCi('offline plan of bucket events', env.missing) ? test.skip : test)('plans offline, both routes', () => {
    const { app, stack } = setup();
    const a = secureQueue(stack, 'A', { name: 'p-a' }).queue;
    BucketEvents.of(stack, 'acme-data', 'x').sendNewObjectsTo(a, a, 'raw/');
    const b = secureQueue(stack, 'B', { name: 'p-b' }).queue;
    BucketEvents.of(stack, 'acme-owned', 'y', { configureNotifications: true }).sendNewObjectsTo(b, b, 'raw/');
    const result = planOffline(synthApp(app).stack('events').json, { validate: false });
    expect(result.output.slice(-2000)).not.toMatch(/Error:/);
    expect(result.ok).toBe(true);
  }, 120_000);

  test('throws when two queue targets overlap', () => {
    const { stack } = setup('us-east-1');
    const a = secureQueue(stack, 'A').queue;
    BucketEvents.of(stack, 'acme-data', 'x').sendNewObjectsTo(a, a, 'raw/');
    expect(() => BucketEvents.of(stack, 'acme-data', 'x').sendNewObjectsTo(a, a, 'raw/2026/')).toThrow(ConfigError);
    expect(() => BucketEvents.of(stack, 'acme-data', 'x').sendNewObjectsTo(a, a, 'raw/2026/')).toThrow(/invalid prefix: received "raw\/2026\/".*overlap "raw\/"/);
  });

  test('a consumer in another stack follows the bucket through EventBridge; the one configuration (in the first stack) turns EventBridge delivery on', () => {
    const { app, stack } = setup('us-east-1');
    const a = secureQueue(stack, 'A').queue;
    BucketEvents.of(stack, 'acme-data', 'x').sendNewObjectsTo(a, a, 'raw/');
    const other = new TerraformStack(app, 'other');
    new AwsProvider(other, 'aws', { region: 'us-east-1' });
    const b = secureQueue(other, 'B').queue;
    const second = BucketEvents.of(other, 'acme-data', 'y/z');
    second.sendNewObjectsTo(b, b, 'raw/');
    expect(second.managed).toBe(false);
    const synth = synthApp(app);
    expect(resourcesOf(synth.stack('other'), 'aws_s3_bucket_notification')).toEqual({});
    expect(JSON.parse(onlyResource(synth.stack('other'), 'aws_cloudwatch_event_rule').event_pattern).detail.bucket).toEqual({ name: ['acme-data'] });
    expect(onlyResource(synth.stack('events'), 'aws_s3_bucket_notification')).toMatchObject({ bucket: 'acme-data', eventbridge: true });
    expect(messages(second)).toEqual([]);
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
