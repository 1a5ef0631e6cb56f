import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
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

/**
 * An SQS queue encrypted at rest (SQS-managed SSE), optionally with a dead-letter queue.
 * @internal
 */
/** @internal */
export interface SecureQueueProps {
  /** Queue name (name platform queues `<platform>-...`: KEDA may read only those). @default - generated */
  readonly name?: string;
  readonly visibilityTimeoutSeconds?: number;
  readonly messageRetentionSeconds?: number;
  /** Receives before a message moves to the dead-letter queue. @default - no dead-letter queue */
  readonly deadLetterAfter?: number;
}

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
  return { queue, deadLetterQueue };
}

/**
 * The dead-letter queue of an EventBridge rule's target: encrypted, 14 days of retention, and a
 * queue policy that lets EventBridge send to it for that one rule only (`aws:SourceArn`).
 * Ids `EventsDeadLetterQueue` and `EventsDeadLetterQueuePolicy` in `scope`.
 * @internal
 */
export function ruleDeadLetterQueue(scope: Construct, name: string, ruleArn: string): SqsQueue {
  const { queue } = secureQueue(scope, 'EventsDeadLetterQueue', { name, messageRetentionSeconds: 1209600 });
  new SqsQueuePolicy(scope, 'EventsDeadLetterQueuePolicy', {
    queueUrl: queue.url,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'AllowRuleDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queue.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      }],
    }),
  });
  return queue;
}
