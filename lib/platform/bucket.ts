import { Annotations, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigError } from '../core/errors';
import { validateS3BucketName } from '../core/naming';

/** Props of {@link PlatformBucket} (`AiPlatform.addBucket`). */
export interface PlatformBucketProps {
  /**
   * The bucket's name. S3 names are global; a literal name keeps every URI built from the bucket
   * known at synth, so IAM permissions, notifications and policy checks are scoped to it.
   */
  readonly bucketName: string;
  /** AWS region of the bucket (one of the platform's allowed regions, when it has them). */
  readonly region: string;
  /**
   * KMS key ARN for SSE-KMS.
   * @default - the AWS-managed `aws/s3` key (SSE-KMS with an S3 bucket key)
   */
  readonly kmsKeyArn?: string;
  /**
   * Days after which noncurrent object versions are deleted (an overwritten model or checkpoint
   * can be restored until then).
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Protect the bucket from `terraform destroy` and from replacement (Terraform
   * `prevent_destroy`). Models, data and checkpoints cannot be recreated: keep it on.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * An S3 bucket for models, training data or checkpoints, created by the platform in its storage
 * stack `<platform>-storage-<region>`: encrypted (SSE-KMS), versioned, every public access blocked,
 * bucket-owner-enforced ownership, TLS-only, noncurrent versions expired after 90 days, never
 * force-destroyed and protected by `prevent_destroy`.
 *
 * The storage stack depends on nothing, and every other stack of the platform depends on it, so
 * `cdktf deploy '*'` creates buckets first and destroying a cluster's stacks never touches them.
 * Build the URIs the other constructs take with {@link uri}:
 *
 * ```ts
 * const models = platform.addBucket('models', { bucketName: 'acme-ml-models', region: 'us-east-1' });
 * ModelSource.s3(models.uri('recs/current/'));
 * Checkpointing.s3(checkpoints.uri('recs/'));
 * ```
 */
export class PlatformBucket extends Construct {
  /** The bucket's name. */
  public readonly bucketName: string;
  /** The bucket's region. */
  public readonly region: string;
  /** The bucket's ARN (`arn:<partition>:s3:::<name>`, known at synth). */
  public readonly bucketArn: string;

  /** @internal Use {@link AiPlatform.addBucket}. */
  constructor(scope: Construct, id: string, props: PlatformBucketProps, partition: string) {
    super(scope, id);
    const path = this.node.path;
    if (Token.isUnresolved(props.bucketName)) {
      throw new ConfigError(path, 'bucketName', props.bucketName, 'a literal bucket name (URIs, IAM permissions and notifications built from it must be known at synth)');
    }
    this.bucketName = validateS3BucketName(props.bucketName, path, 'bucketName');
    this.region = props.region;
    this.bucketArn = `arn:${partition}:s3:::${this.bucketName}`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SecureBucket } = require('../aws/storage') as typeof import('../aws/storage');
    new SecureBucket(this, 'Bucket', {
      bucketName: this.bucketName,
      kmsKeyArn: props.kmsKeyArn,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      preventDestroy: props.preventDestroy,
    });
    if (props.preventDestroy === false) {
      Annotations.of(this).addWarning(`bucket ${this.bucketName}: preventDestroy is off, so terraform destroy (or a replacement) deletes it; models, data and checkpoints in it cannot be recreated`);
    }
  }

  /**
   * `s3://<bucket>/<prefix>`: a location in the bucket for the constructs that take S3 URIs
   * (`ModelSource.s3`, `Checkpointing.s3`, `modelVersionsUri`, `dataUri`, retrain triggers).
   * @param prefix key prefix without a leading slash; end it with `/` for a folder. @default '' (the whole bucket)
   */
  public uri(prefix: string = ''): string {
    if (Token.isUnresolved(prefix) || prefix.startsWith('/') || prefix.includes('//')) {
      throw new ConfigError(this.node.path, 'uri(prefix)', prefix, 'a literal key prefix without a leading slash or empty segments, such as "recs/current/"');
    }
    return `s3://${this.bucketName}/${prefix}`;
  }
}
