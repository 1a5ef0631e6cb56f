import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigError } from '../core/errors';
import { validateS3BucketName } from '../core/naming';

/** Props of {@link SecureBucket}. */
export interface SecureBucketProps {
  /** Exact bucket name. @default - a unique name from `namePrefix` */
  readonly bucketName?: string;
  /** Prefix of a generated bucket name (≤ 37 characters). @default - none (Terraform picks one) */
  readonly namePrefix?: string;
  /** KMS key ARN for SSE-KMS. @default - the AWS-managed `aws/s3` key (SSE-KMS with a bucket key) */
  readonly kmsKeyArn?: string;
  /** Days after which noncurrent object versions are deleted. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Protect the bucket from `terraform destroy` and from replacement (Terraform `prevent_destroy`).
   * Models, data and checkpoints are not recreatable: keep it on.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * An S3 bucket for models, data, checkpoints or results, secure and hard to lose by default:
 * SSE-KMS encryption, versioning, every public access blocked, bucket-owner-enforced ownership,
 * TLS-only access, noncurrent versions expired, `prevent_destroy`, no `force_destroy`.
 * @internal
 */
export class SecureBucket extends Construct {
  public readonly resource: S3Bucket;
  public readonly bucketName: string;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps = {}) {
    super(scope, id);
    const path = this.node.path;
    if (props.bucketName) validateS3BucketName(props.bucketName, path, 'bucketName');
    if (props.namePrefix && props.namePrefix.length > 37) {
      throw new ConfigError(path, 'namePrefix', props.namePrefix, 'at most 37 characters (S3 appends a 26-character suffix)');
    }
    const days = props.noncurrentVersionExpirationDays ?? 90;
    if (!Number.isInteger(days) || days < 1) {
      throw new ConfigError(path, 'noncurrentVersionExpirationDays', days, 'an integer ≥ 1');
    }
    this.resource = new S3Bucket(this, 'Resource', {
      bucket: props.bucketName,
      bucketPrefix: props.bucketName ? undefined : props.namePrefix,
      forceDestroy: false,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.bucketName = this.resource.bucket;
    this.arn = this.resource.arn;
    const bucket = this.resource.id;
    new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'Ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketVersioningA(this, 'Versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfiguration(this, 'Encryption', {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket,
      rule: [{
        id: 'expire-noncurrent-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        noncurrentVersionExpiration: [{ noncurrentDays: days }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      }],
    });
    new S3BucketPolicy(this, 'Policy', {
      bucket,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [this.resource.arn, `${this.resource.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }],
      }),
    });
  }
}

/** @internal */
export interface SecureQueueProps {
  /** Queue name (name platform queues `<platform>-...`: KEDA may read only those). @default - generated */
  readonly name?: string;
  readonly visibilityTimeoutSeconds?: number;
  readonly messageRetentionSeconds?: number;
  /** Receives before a message moves to the dead-letter queue. @default - no dead-letter queue */
  readonly deadLetterAfter?: number;
}

/** The statements of each queue's one policy (rendered at synth). */
const queueStatements = new WeakMap<SqsQueue, { policy: SqsQueuePolicy; statements: Array<Record<string, unknown>> }>();

/**
 * The one `aws_sqs_queue_policy` of a queue (SQS keeps one policy per queue: two policy resources
 * would overwrite each other), in the queue's scope with the id `<queue id>Policy`: a TLS-only
 * statement (deny every action without `aws:SecureTransport`, as the platform's buckets do) and
 * the statements added with {@link allowOnQueue}.
 */
function queuePolicy(queue: SqsQueue): { policy: SqsQueuePolicy; statements: Array<Record<string, unknown>> } {
  const existing = queueStatements.get(queue);
  if (existing) return existing;
  const statements: Array<Record<string, unknown>> = [];
  const policy = new SqsQueuePolicy(queue.node.scope as Construct, `${queue.node.id}Policy`, {
    queueUrl: queue.url,
    policy: Lazy.stringValue({
      produce: () => JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:*',
            Resource: queue.arn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          ...statements,
        ],
      }),
    }),
  });
  const entry = { policy, statements };
  queueStatements.set(queue, entry);
  return entry;
}

/**
 * Add a statement to the queue's one policy (see {@link secureQueue}); returns that policy (for
 * `depends_on`: S3 checks that it may send when a notification is saved).
 * @internal
 */
export function allowOnQueue(queue: SqsQueue, statement: Record<string, unknown>): SqsQueuePolicy {
  const entry = queuePolicy(queue);
  entry.statements.push({ ...statement, Resource: queue.arn });
  return entry.policy;
}

/**
 * An SQS queue encrypted at rest (SQS-managed SSE), TLS-only (a queue policy denying requests
 * without `aws:SecureTransport`; more statements through {@link allowOnQueue}), optionally with a
 * dead-letter queue (encrypted and TLS-only too).
 * @internal
 */
export function secureQueue(scope: Construct, id: string, props: SecureQueueProps = {}): { queue: SqsQueue; deadLetterQueue?: SqsQueue } {
  const deadLetterQueue = props.deadLetterAfter
    ? new SqsQueue(scope, `${id}DeadLetter`, { name: props.name ? `${props.name}-dlq` : undefined, sqsManagedSseEnabled: true, messageRetentionSeconds: 1209600 })
    : undefined;
  const queue = new SqsQueue(scope, id, {
    name: props.name,
    sqsManagedSseEnabled: true,
    visibilityTimeoutSeconds: props.visibilityTimeoutSeconds,
    messageRetentionSeconds: props.messageRetentionSeconds,
    redrivePolicy: deadLetterQueue ? JSON.stringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount: props.deadLetterAfter }) : undefined,
  });
  if (deadLetterQueue) queuePolicy(deadLetterQueue);
  queuePolicy(queue);
  return { queue, deadLetterQueue };
}

/**
 * The dead-letter queue of an EventBridge rule's target: encrypted, TLS-only, 14 days of
 * retention, and a policy statement that lets EventBridge send to it for that one rule only
 * (`aws:SourceArn`). Ids `EventsDeadLetterQueue` and `EventsDeadLetterQueuePolicy` in `scope`.
 * Name it apart from the dead-letter queue of a consumer's own queue (`<queue>-dlq`): one
 * queue, one owner.
 * @internal
 */
export function ruleDeadLetterQueue(scope: Construct, name: string, ruleArn: string): SqsQueue {
  const { queue } = secureQueue(scope, 'EventsDeadLetterQueue', { name, messageRetentionSeconds: 1209600 });
  allowOnQueue(queue, {
    Sid: 'AllowRuleDeadLetters',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
  });
  return queue;
}
