/**
 * AiPlatform.addBucket: model, data and checkpoint buckets with safe defaults, in a storage stack
 * that every other stack of the platform depends on.
 */
import { AnnotationMetadataEntryType, App, Token } from 'cdktf';
import { Accelerator, AiPlatform, Checkpointing, ExistingWorkloadIdentity, GpuNodePool, KubernetesVersion, ModelSource, ServerlessInferenceEndpoint, ServingRuntime, TrainingPipeline, TrainingStage } from '../../lib';
import { expectConfigError } from '../support/errors';
import { onlyResource, resourcesOf, Synthesized, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv } from '../support/terraform';

const PROD = { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], version: KubernetesVersion.V1_34 };

describe('a platform with model and checkpoint buckets, an EKS endpoint and a pipeline using them', () => {
  let app: App;
  let platform: AiPlatform;
  let synth: Synthesized;
  let models: ReturnType<AiPlatform['addBucket']>;
  beforeAll(() => {
    app = testApp();
    platform = new AiPlatform(app, 'acme', { tags: { team: 'ml' } });
    // A cluster created before the buckets, one after: both depend on the storage stack.
    const prod = platform.addEksCluster('prod', PROD);
    models = platform.addBucket('models', { bucketName: 'acme-test-models', region: 'us-east-1' });
    const checkpoints = platform.addBucket('checkpoints', { bucketName: 'acme-test-checkpoints', region: 'us-east-1', noncurrentVersionExpirationDays: 30 });
    const lab = platform.addExistingCluster('lab', { awsRegion: 'us-east-1', workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws') });
    const l4 = new GpuNodePool(prod, 'l4', { accelerator: Accelerator.NVIDIA_L4, minNodes: 0, maxNodes: 2 });
    new ServerlessInferenceEndpoint(prod, 'recs', { pool: l4, model: ModelSource.s3(models.uri('recs/current/')), runtime: ServingRuntime.TRITON, minReplicas: 0, maxReplicas: 2 });
    const a100 = GpuNodePool.fromExistingNodes(lab, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { gpu: 'a100' }, gpus: 8 });
    new TrainingPipeline(prod, 'train', {
      stages: [TrainingStage.train('train', { image: 'ghcr.io/acme/train:1', pool: l4, workers: 1, gpusPerWorker: 1 })],
      checkpointing: Checkpointing.s3(checkpoints.uri('recs/')),
      dataUri: models.uri('data/'),
    });
    // On the existing cluster: its AWS resources go into acme-aws-us-east-1, created after the buckets.
    new TrainingPipeline(lab, 'lab-train', {
      stages: [TrainingStage.train('train', { image: 'ghcr.io/acme/train:1', pool: a100, workers: 1, gpusPerWorker: 8 })],
      checkpointing: Checkpointing.s3(checkpoints.uri('lab/')),
      dataUri: models.uri('data/'),
    });
    synth = synthApp(app);
  });

  test('the buckets live in <platform>-storage-<region>, with the platform tags on its provider', () => {
    const storage = synth.stack('acme-storage-us-east-1');
    expect(storage.json.provider.aws).toEqual([{ region: 'us-east-1', default_tags: [{ tags: platform.tags }] }]);
    expect(Object.values<any>(resourcesOf(storage, 'aws_s3_bucket')).map((b) => b.bucket).sort()).toEqual(['acme-test-checkpoints', 'acme-test-models']);
    expect(platform.platformBuckets.map((b) => b.node.path)).toEqual(['acme-storage-us-east-1/models', 'acme-storage-us-east-1/checkpoints']);
  });

  test('secure and hard to lose: SSE-KMS, versioning, no public access, owner-enforced, TLS only, prevent_destroy, never force-destroyed', () => {
    const storage = synth.stack('acme-storage-us-east-1');
    const buckets = Object.entries<any>(resourcesOf(storage, 'aws_s3_bucket'));
    for (const [id, b] of buckets) {
      expect(b).toMatchObject({ force_destroy: false, lifecycle: { prevent_destroy: true } });
      const ref = `\${aws_s3_bucket.${id}.id}`;
      const of = (type: string) => Object.values<any>(resourcesOf(storage, type)).filter((r) => r.bucket === ref);
      expect(of('aws_s3_bucket_versioning')).toEqual([expect.objectContaining({ versioning_configuration: { status: 'Enabled' } })]);
      expect(of('aws_s3_bucket_server_side_encryption_configuration')[0].rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' }, bucket_key_enabled: true }]);
      expect(of('aws_s3_bucket_public_access_block')).toEqual([expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true })]);
      expect(of('aws_s3_bucket_ownership_controls')[0].rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
      expect(JSON.parse(of('aws_s3_bucket_policy')[0].policy).Statement).toEqual([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
    }
    const days = Object.values<any>(resourcesOf(storage, 'aws_s3_bucket_lifecycle_configuration')).map((l) => l.rule[0].noncurrent_version_expiration[0].noncurrent_days).sort();
    expect(days).toEqual([30, 90]);
  });

  test('storage comes first: every other stack depends on it, it depends on nothing', () => {
    const storage = synth.stack('acme-storage-us-east-1');
    expect(storage.dependencies).toEqual([]);
    const others = synth.stacks.filter((s) => s.name !== storage.name);
    expect(others.map((s) => s.name).sort()).toEqual(['acme-aws-us-east-1', 'acme-lab-addons', 'acme-lab-workloads', 'acme-prod-addons', 'acme-prod-infra', 'acme-prod-workloads']);
    for (const s of others) expect([s.name, s.dependencies]).toEqual([s.name, expect.arrayContaining([storage.name])]);
  });

  test('uri() gives plain URIs, so the constructs that use them scope IAM to the bucket at synth', () => {
    expect(models.uri('recs/current/')).toBe('s3://acme-test-models/recs/current/');
    expect(models.uri()).toBe('s3://acme-test-models/');
    expect(models.bucketArn).toBe('arn:aws:s3:::acme-test-models');
    const infra = synth.stack('acme-prod-infra');
    const policies = Object.values<any>(resourcesOf(infra, 'aws_iam_role_policy')).map((p) => p.policy as string);
    expect(policies.some((p) => p.includes('arn:aws:s3:::acme-test-models/recs/current/*'))).toBe(true);
    expect(policies.some((p) => p.includes('arn:aws:s3:::acme-test-checkpoints/recs/*'))).toBe(true);
  });

  test('the policy checks find nothing to say about the buckets', () => {
    expect(platform.policyChecks.findings.filter((f) => f.path.startsWith('acme-storage-'))).toEqual([]);
  });

  test('the diagram shows the buckets in their storage stack', () => {
    const diagram = platform._guardrails.diagram();
    expect(diagram).toMatch(/\[\("bucket acme-test-models"\)\]/);
    expect(diagram).toMatch(/\[\["stack acme-storage-us-east-1"\]\]/);
  });

  const env = terraformEnv();
  (skipLoudlyUnlessCi('offline plan of the storage stack', env.missing) ? test.skip : test)('the storage stack plans offline', () => {
    const result = planOffline(synth.stack('acme-storage-us-east-1').json, { validate: false });
    expect(result.output.slice(-2000)).not.toMatch(/Error:/);
    expect(result.ok).toBe(true);
    expect(result.plannedResources.filter((r) => r.type === 'aws_s3_bucket').map((r) => r.actions)).toEqual([['create'], ['create']]);
  }, 180_000);
});

describe('buckets in several regions, and what is rejected', () => {
  test('one storage stack per region', () => {
    const app = testApp();
    const p = new AiPlatform(app, 'acme');
    p.addBucket('us', { bucketName: 'acme-test-us', region: 'us-east-1' });
    p.addBucket('eu', { bucketName: 'acme-test-eu', region: 'eu-central-1' });
    p.addBucket('eu2', { bucketName: 'acme-test-eu2', region: 'eu-central-1' });
    const synth = synthApp(app);
    expect(synth.stacks.map((s) => s.name).sort()).toEqual(['acme-storage-eu-central-1', 'acme-storage-us-east-1']);
    expect(Object.keys(resourcesOf(synth.stack('acme-storage-eu-central-1'), 'aws_s3_bucket'))).toHaveLength(2);
    expect(onlyResource(synth.stack('acme-storage-us-east-1'), 'aws_s3_bucket').bucket).toBe('acme-test-us');
  });

  test('a GovCloud bucket gets its partition in the ARN', () => {
    const p = new AiPlatform(testApp(), 'acme');
    expect(p.addBucket('gov', { bucketName: 'acme-test-gov', region: 'us-gov-west-1' }).bucketArn).toBe('arn:aws-us-gov:s3:::acme-test-gov');
  });

  test('preventDestroy: false is allowed, with a warning', () => {
    const p = new AiPlatform(testApp(), 'acme');
    const scratch = p.addBucket('scratch', { bucketName: 'acme-test-scratch', region: 'us-east-1', preventDestroy: false });
    expect(scratch.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data))).toEqual([expect.stringMatching(/preventDestroy is off/)]);
  });

  test('throws when the name, region, id or prefix is invalid', () => {
    const p = new AiPlatform(testApp(), 'acme', { allowedRegions: ['eu-central-1'] });
    expectConfigError(() => p.addBucket('bad', { bucketName: 'Bad_Name', region: 'eu-central-1' }), { path: 'acme-storage-eu-central-1/bad', field: 'bucketName', received: 'Bad_Name' });
    expectConfigError(() => p.addBucket('r', { bucketName: 'acme-r', region: 'Frankfurt' }), { path: 'acme/r', field: 'region', received: 'Frankfurt', expected: /AWS region code/ });
    expectConfigError(() => p.addBucket('us', { bucketName: 'acme-us', region: 'us-east-1' }), { path: 'acme/us', field: 'region', received: 'us-east-1', expected: /allowed regions.*eu-central-1/ });
    const ok = p.addBucket('models', { bucketName: 'acme-test-models', region: 'eu-central-1' });
    expectConfigError(() => p.addBucket('models', { bucketName: 'acme-other', region: 'eu-central-1' }), { path: 'acme/models', field: 'id', received: 'models', expected: /not used yet.*taken: models/ });
    expectConfigError(() => p.addBucket('again', { bucketName: 'acme-test-models', region: 'eu-central-1' }), { path: 'acme/again', field: 'bucketName', received: 'acme-test-models', expected: /acme-storage-eu-central-1\/models has it/ });
    expectConfigError(() => ok.uri('/recs/'), { path: 'acme-storage-eu-central-1/models', field: 'uri(prefix)', received: '/recs/' });
    expectConfigError(() => ok.uri('recs//v1/'), { field: 'uri(prefix)', received: 'recs//v1/' });
    // Values known only at apply time: the URIs and permissions built from them must be known at synth.
    expectConfigError(() => p.addBucket('t1', { bucketName: Token.asString({ resolve: () => 'x' }), region: 'eu-central-1' }), { path: 'acme-storage-eu-central-1/t1', field: 'bucketName', expected: /literal bucket name/ });
    expectConfigError(() => p.addBucket('t2', { bucketName: 'acme-t2', region: Token.asString({ resolve: () => 'eu-central-1' }) }), { path: 'acme/t2', field: 'region', expected: /AWS region code/ });
  });
});
