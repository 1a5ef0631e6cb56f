import { Token } from 'cdktf';
import { parseCron, ParsedCron } from '../core/cron';
import { ConfigError } from '../core/errors';
import { validateS3BucketName } from '../core/naming';

/** Values of {@link FunctionTrigger.kind}. */
export const FunctionTriggerKinds = {
  SQS: 'sqs',
  S3: 's3',
  SCHEDULE: 'schedule',
} as const;

/** Options of {@link FunctionTrigger.s3}. */
export interface S3TriggerOptions {
  /** Name of the bucket whose new objects are the work items. */
  readonly bucket: string;
  /**
   * Only objects under this key prefix, e.g. `frames/`.
   * @default - every object of the bucket
   */
  readonly prefix?: string;
  /**
   * Only objects whose key ends with this suffix, e.g. `.jpg`.
   * @default - any key
   */
  readonly suffix?: string;
  /**
   * Let this program write the bucket's event notification configuration: the function then gets
   * its own encrypted queue (with a dead-letter queue) fed by an S3 notification, or, on AWS
   * Batch, EventBridge notifications are switched on. S3 keeps ONE notification configuration
   * per bucket, and Terraform replaces it whole: every consumer in this program shares it, and
   * any configuration made outside this program is overwritten.
   * @default - true when this program defines the bucket (an `aws_s3_bucket` with that name in
   * the same app), else false: then `queue` is required
   */
  readonly configureNotifications?: boolean;
  /**
   * ARN of an SQS queue that already receives this bucket's "object created" events, for a bucket
   * whose notifications someone else manages. The function consumes it; nothing is changed on
   * the bucket. Kubernetes realisation only.
   * @default - a queue made by this function (needs `configureNotifications`)
   */
  readonly queue?: string;
}

/** A parsed SQS queue reference. @internal */
export interface QueueRef {
  readonly name: string;
  readonly arn?: string;
  readonly region?: string;
  readonly account?: string;
  readonly partition?: string;
}

/**
 * What starts the runs of a {@link GpuFunction}: messages on an SQS queue, new objects in an S3
 * bucket, or a schedule.
 */
export class FunctionTrigger {
  /**
   * Messages on an existing SQS queue: each run receives up to `messagesPerRun` of them, processes
   * them and deletes them. Give the queue a visibility timeout at least as long as the function's
   * timeout and a redrive policy to a dead-letter queue (this program does not own the queue).
   *
   * On EKS, the KEDA operator may read the depth only of the platform's own queues: the queue
   * name must start with `<platformName>-` and the queue must be in the cluster's region.
   *
   * @param queue the queue ARN (`arn:aws:sqs:us-east-1:123456789012:acme-frames`), or its name
   *   in the cluster's AWS region (the function is then also allowed `sqs:GetQueueUrl`)
   */
  public static sqs(queue: string): FunctionTrigger {
    return new FunctionTrigger(FunctionTriggerKinds.SQS, { queue: parseQueue(queue, 'trigger.queue') });
  }

  /**
   * New objects in an S3 bucket (S3 "object created" events). On Kubernetes, events reach the
   * function through an encrypted SQS queue named `<platform>-<cluster>-<function>` (with a
   * dead-letter queue after `retries + 1` receives) fed by the bucket's notification; on AWS
   * Batch, an EventBridge rule submits one job per object.
   */
  public static s3(options: S3TriggerOptions): FunctionTrigger {
    const field = 'trigger.bucket';
    if (typeof options.bucket !== 'string' || Token.isUnresolved(options.bucket)) {
      throw new ConfigError('-', field, options.bucket, 'a literal bucket name (it scopes the notification, the event rule and IAM permissions, so it must be known at synth)');
    }
    validateS3BucketName(options.bucket, '-', field);
    for (const [name, value] of [['prefix', options.prefix], ['suffix', options.suffix]] as const) {
      if (value !== undefined && (typeof value !== 'string' || Token.isUnresolved(value) || value.startsWith('/') || value.length > 1024)) {
        throw new ConfigError('-', `trigger.${name}`, value, `a literal key ${name} of at most 1024 characters, without a leading "/" (S3 keys have none)`);
      }
    }
    if (options.queue !== undefined && options.configureNotifications) {
      throw new ConfigError('-', 'trigger.queue', options.queue, 'either a queue that already receives the events, or configureNotifications: true, not both');
    }
    return new FunctionTrigger(FunctionTriggerKinds.S3, {
      bucket: options.bucket,
      prefix: options.prefix ?? '',
      suffix: options.suffix || undefined,
      configureNotifications: options.configureNotifications,
      queue: options.queue !== undefined ? parseQueue(options.queue, 'trigger.queue', true) : undefined,
    });
  }

  /**
   * A schedule: one run per tick, never two at once (Kubernetes CronJob with
   * `concurrencyPolicy: Forbid`; on AWS Batch an EventBridge schedule, and a second job waits for
   * the compute environment's capacity).
   *
   * @param cron five fields `minute hour day-of-month month day-of-week`, in UTC, e.g. `0 2 * * *`;
   *   or `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`
   */
  public static schedule(cron: string): FunctionTrigger {
    const parsed = parseCron(cron, '-', 'trigger.schedule');
    return new FunctionTrigger(FunctionTriggerKinds.SCHEDULE, { cron: parsed.fields.join(' '), parsedCron: parsed });
  }

  /** `sqs`, `s3` or `schedule` (see {@link FunctionTriggerKinds}). */
  public readonly kind: string;
  /** The bucket of an S3 trigger. */
  public readonly bucket?: string;
  /** The key prefix of an S3 trigger (`''` for the whole bucket). */
  public readonly prefix?: string;
  /** The key suffix of an S3 trigger. */
  public readonly suffix?: string;
  /** The five-field cron schedule (macros expanded) of a schedule trigger. */
  public readonly cron?: string;
  /** @internal */
  public readonly _queue?: QueueRef;
  /** @internal */
  public readonly _configureNotifications?: boolean;
  /** @internal */
  public readonly _parsedCron?: ParsedCron;

  private constructor(kind: string, parts: TriggerParts) {
    this.kind = kind;
    this._queue = parts.queue;
    this.bucket = parts.bucket;
    this.prefix = parts.prefix;
    this.suffix = parts.suffix;
    this._configureNotifications = parts.configureNotifications;
    this.cron = parts.cron;
    this._parsedCron = parts.parsedCron;
  }

  /** Whether runs are fed by an SQS queue on Kubernetes (an SQS trigger, or an S3 trigger). */
  public get queueDriven(): boolean {
    return this.kind !== FunctionTriggerKinds.SCHEDULE;
  }

  public toString(): string {
    switch (this.kind) {
      case FunctionTriggerKinds.SQS:
        return `sqs(${this._queue!.arn ?? this._queue!.name})`;
      case FunctionTriggerKinds.S3:
        return `s3(s3://${this.bucket}/${this.prefix}${this.suffix ? `*${this.suffix}` : ''})`;
      default:
        return `schedule(${this.cron})`;
    }
  }
}

/** The parts of a trigger. */
interface TriggerParts {
  readonly queue?: QueueRef;
  readonly bucket?: string;
  readonly prefix?: string;
  readonly suffix?: string;
  readonly configureNotifications?: boolean;
  readonly cron?: string;
  readonly parsedCron?: ParsedCron;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const QUEUE_ARN = /^arn:(aws|aws-cn|aws-us-gov):sqs:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):([A-Za-z0-9_-]{1,80})$/;

function parseQueue(queue: string, field: string, arnOnly = false): QueueRef {
  const hint = arnOnly
    ? 'an SQS queue ARN such as "arn:aws:sqs:us-east-1:123456789012:acme-frames"'
    : 'an SQS queue ARN such as "arn:aws:sqs:us-east-1:123456789012:acme-frames", or a queue name of 1 to 80 characters of A-Z, a-z, 0-9, "-" and "_"';
  if (typeof queue !== 'string' || Token.isUnresolved(queue)) {
    throw new ConfigError('-', field, queue, `${hint}, as a literal: the queue scopes IAM permissions and the KEDA scaler, so it must be known at synth`);
  }
  if (queue.endsWith('.fifo')) {
    throw new ConfigError('-', field, queue, `${hint} of a standard queue (FIFO queues are not supported: runs process messages in parallel)`);
  }
  const m = QUEUE_ARN.exec(queue);
  if (m) return { arn: queue, partition: m[1], region: m[2], account: m[3], name: m[4] };
  if (arnOnly || !QUEUE_NAME.test(queue)) throw new ConfigError('-', field, queue, hint);
  return { name: queue };
}
