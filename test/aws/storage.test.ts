import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import { SecureBucket, secureQueue } from '../../lib/aws/storage';
import { ConfigError } from '../../lib/core/errors';
import { parseS3Uri, s3ObjectsArn } from '../../lib/core/s3-uri';
import { onlyResource, resourcesOf, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv } from '../support/terraform';

function build(fn: (s: TerraformStack) => void) {
  const app = testApp();
  const stack = new TerraformStack(app, 'store');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  fn(stack);
  return synthApp(app).stack('store');
}

describe('SecureBucket', () => {
  const stack = build((s) => {
    new SecureBucket(s, 'Models', { bucketName: 'acme-models-test' });
    secureQueue(s, 'Work', { name: 'work', deadLetterAfter: 3 });
  });

  test('is versioned, SSE-KMS encrypted, private, owner-enforced and protected from destroy', () => {
    const bucket = onlyResource(stack, 'aws_s3_bucket');
    expect(bucket.bucket).toBe('acme-models-test');
    expect(bucket.force_destroy).toBe(false);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(onlyResource(stack, 'aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
    expect(onlyResource(stack, 'aws_s3_bucket_server_side_encryption_configuration').rule[0]).toMatchObject({
      apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' }, bucket_key_enabled: true,
    });
    expect(onlyResource(stack, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    expect(onlyResource(stack, 'aws_s3_bucket_ownership_controls').rule.object_ownership).toBe('BucketOwnerEnforced');
    const policy = JSON.parse(onlyResource(stack, 'aws_s3_bucket_policy').policy);
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  test('queues are encrypted, with a dead-letter queue', () => {
    const queues = Object.values<any>(resourcesOf(stack, 'aws_sqs_queue'));
    expect(queues).toHaveLength(2);
    for (const q of queues) expect(q.sqs_managed_sse_enabled).toBe(true);
    const work = queues.find((q) => q.name === 'work');
    expect(work.redrive_policy).toContain('"maxReceiveCount":3');
  });

  const env = terraformEnv();
  (skipLoudlyUnlessCi('offline plan of SecureBucket', env.missing) ? test.skip : test)('plans offline', () => {
    const result = planOffline(stack.json, { validate: false });
    expect(result.output.slice(-2000)).not.toMatch(/Error:/);
    expect(result.ok).toBe(true);
  }, 120_000);

  test('throws when the bucket name is invalid or the prefix too long', () => {
    expect(() => build((s) => new SecureBucket(s, 'B', { bucketName: 'Bad_Name' }))).toThrow(ConfigError);
    expect(() => build((s) => new SecureBucket(s, 'B', { namePrefix: 'x'.repeat(38) }))).toThrow(/namePrefix.*37/);
    expect(() => build((s) => new SecureBucket(s, 'B', { noncurrentVersionExpirationDays: 0 }))).toThrow(/noncurrentVersionExpirationDays: received 0/);
  });
});

describe('S3 URIs', () => {
  test('parse bucket and prefix, and scope object ARNs', () => {
    const loc = parseS3Uri('s3://acme-models/recs/v1/', 'p', 'model');
    expect(loc).toEqual({ bucket: 'acme-models', prefix: 'recs/v1/', uri: 's3://acme-models/recs/v1/' });
    expect(s3ObjectsArn(loc)).toBe('arn:aws:s3:::acme-models/recs/v1/*');
  });
  test('throws when the URI is not an S3 URI or the bucket is invalid', () => {
    expect(() => parseS3Uri('https://x', 'p/q', 'model')).toThrow(/p\/q: invalid model: received "https:\/\/x"; expected an S3 URI/);
    expect(() => parseS3Uri('s3://A_B/x', 'p', 'model')).toThrow(ConfigError);
  });
});
