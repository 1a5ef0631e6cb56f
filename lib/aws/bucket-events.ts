import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Annotations, App, dependable, Lazy, TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { partitionOf } from './arn';
import { allowOnQueue, ruleDeadLetterQueue } from './storage';
import { ConfigError } from '../core/errors';
import { joinName } from '../core/naming';

interface QueueTarget { readonly queueArn: string; readonly prefix: string; readonly suffix?: string; readonly id: string }

/** Per app and bucket: the one construct that owns the bucket's notification configuration. */
const managers = new WeakMap<App, Map<string, BucketEvents>>();

/** Options of {@link BucketEvents.of}. @internal */
export interface BucketEventsOptions {
  /**
   * This program may own the bucket's notification configuration although it does not define the
   * bucket (the user's explicit opt-in: S3 keeps one configuration per bucket, and Terraform
   * replaces it whole and clears it on destroy).
   * @default - only when the app defines the bucket (an `aws_s3_bucket` with that literal name)
   */
  readonly configureNotifications?: boolean;
}

/** The `aws_s3_bucket` of this literal name defined anywhere in the app, if any. */
function bucketResourceInApp(scope: IConstruct, bucket: string): S3Bucket | undefined {
  return App.of(scope).node.findAll().find((c): c is S3Bucket => c instanceof S3Bucket && c.bucketInput === bucket);
}

/** Whether the app defines an `aws_s3_bucket` with this literal name (the program owns it). @internal */
export function bucketDefinedInApp(scope: IConstruct, bucket: string): boolean {
  return bucketResourceInApp(scope, bucket) !== undefined;
}

/** The literal region of the AWS provider of the stack of `scope`, if it has one. @internal */
export function stackRegion(scope: IConstruct): string | undefined {
  const provider = TerraformStack.of(scope).node.children.find((c): c is AwsProvider => c instanceof AwsProvider);
  const region = provider?.region;
  return region !== undefined && !Token.isUnresolved(region) ? region : undefined;
}

/**
 * The `default_tags` of the AWS provider of the stack of `scope` (the platform tags): for the
 * resources AWS creates on our behalf that provider default tags do not reach (AWS Batch
 * instances through `compute_resources.tags`, launch template tag specifications).
 * @internal
 */
export function stackDefaultTags(scope: IConstruct): Record<string, string> {
  const provider = TerraformStack.of(scope).node.children.find((c): c is AwsProvider => c instanceof AwsProvider);
  const tags: Record<string, string> = {};
  const defaults = provider?.defaultTags;
  if (Array.isArray(defaults)) for (const d of defaults) Object.assign(tags, d.tags ?? {});
  return tags;
}

/**
 * The events of one S3 bucket, for every consumer of the program.
 *
 * - **Buckets the program defines** (an `aws_s3_bucket` of that literal name in the app, e.g.
 *   `AiPlatform.addBucket`), or opted in with `configureNotifications`: the bucket's one
 *   `aws_s3_bucket_notification` (S3 allows one notification configuration per bucket, so every
 *   consumer shares it): SQS targets ({@link sendNewObjectsTo}) and EventBridge delivery.
 * - **Other buckets** (models, data or ingest buckets given as `s3://` URIs): their notification
 *   configuration belongs to their owner, and writing it here would overwrite the owner's (and
 *   `terraform destroy` would clear it). Nothing here touches it: consumers follow the bucket
 *   through EventBridge rules (queues included), which need the bucket's EventBridge delivery on;
 *   a warning says so, with the command its owner runs.
 * - S3 sends its events (to SQS and to EventBridge) in the bucket's own region only: a consumer in
 *   another region than a bucket the program defines is a `ConfigError`.
 * @internal
 */
export class BucketEvents extends Construct {
  /**
   * The bucket's events construct in `stack`. The first stack that may configure the bucket's
   * notifications owns its one configuration; consumers in other stacks follow the bucket through
   * EventBridge (the owner's configuration turns EventBridge delivery on for them).
   */
  public static of(stack: TerraformStack, bucket: string, path: string, options: BucketEventsOptions = {}): BucketEvents {
    const app = App.of(stack);
    const byBucket = managers.get(app) ?? new Map<string, BucketEvents>();
    managers.set(app, byBucket);
    const defined = bucketResourceInApp(stack, bucket);
    const bucketRegion = defined ? stackRegion(defined) : undefined;
    const consumerRegion = stackRegion(stack);
    if (bucketRegion && consumerRegion && bucketRegion !== consumerRegion) {
      throw new ConfigError(path, 'bucket', `s3://${bucket}`, `a bucket in ${consumerRegion}, where this consumer runs: s3://${bucket} is in ${bucketRegion}, and S3 sends its events (to EventBridge and to SQS) only in its own region, so this trigger would never fire; place the consumer (cluster awsRegion, SageMaker region) in ${bucketRegion}, or the data in a bucket of ${consumerRegion}`);
    }
    const id = `BucketEvents-${bucket}`;
    const events = (stack.node.tryFindChild(id) as BucketEvents | undefined) ?? new BucketEvents(stack, id, bucket, consumerRegion);
    const manager = byBucket.get(bucket);
    if ((options.configureNotifications ?? defined !== undefined) && (!manager || manager === events)) {
      events.manage();
      byBucket.set(bucket, events);
    }
    return events;
  }

  private readonly targets: QueueTarget[] = [];
  private resource?: S3BucketNotification;
  private eventBridge = false;
  private readonly consumers = new Set<string>();

  private constructor(scope: Construct, id: string, public readonly bucket: string, private readonly region: string | undefined) {
    super(scope, id);
    this.node.addValidation({
      validate: () => {
        if (this.eventBridge && !this.resource && !this.manager) {
          Annotations.of(this).addWarning(`s3://${this.bucket} is not defined in this program, so its notification configuration is left to its owner (S3 keeps one per bucket: setting it here would overwrite theirs). ${[...this.consumers].sort().join(', ')} follow it through EventBridge: its owner must turn on its EventBridge delivery (S3 console: Properties → Event notifications → Amazon EventBridge "On"; or add "EventBridgeConfiguration": {} to its put-bucket-notification-configuration), or define the bucket here (AiPlatform.addBucket), or opt in with configureNotifications: true`);
        }
        return [];
      },
    });
  }

  /** The construct (in another stack) that owns the bucket's notification configuration, if any. */
  private get manager(): BucketEvents | undefined {
    const m = managers.get(App.of(this))?.get(this.bucket);
    return m && m !== this ? m : undefined;
  }

  /** Whether this program owns the bucket's notification configuration. */
  public get managed(): boolean {
    return this.resource !== undefined;
  }

  private manage(): void {
    if (this.resource) return;
    this.resource = new S3BucketNotification(this, 'Resource', {
      bucket: this.bucket,
      // Lazy values skip the provider's camelCase mapping: Terraform spelling here.
      queue: Lazy.anyValue({
        produce: () => this.targets.map((t) => ({
          id: t.id,
          queue_arn: t.queueArn,
          events: ['s3:ObjectCreated:*'],
          filter_prefix: t.prefix || undefined,
          filter_suffix: t.suffix,
        })),
      }) as any,
    });
    if (this.eventBridge) this.resource.eventbridge = true;
  }

  /**
   * Have this bucket's events reach Amazon EventBridge, for rules that match them: on a managed
   * bucket, `eventbridge = true` on its notification configuration; on another, its owner turns
   * it on (a warning at synth says how).
   */
  public enableEventBridge(consumer?: IConstruct): void {
    this.eventBridge = true;
    if (consumer) this.consumers.add(consumer.node.path);
    if (this.resource) this.resource.eventbridge = true;
    // The configuration is owned in another stack: it delivers to EventBridge for these consumers.
    else this.manager?.enableEventBridge();
  }

  /**
   * Send "object created" events under `prefix` (ending with `suffix`) to `queue`: as a queue
   * target of the bucket's notification configuration when the program owns it (the queue lets
   * this bucket only send), else through an EventBridge rule (see {@link routeToQueue}; the queue
   * only counts or reads messages, either format). Overlapping prefixes between the SQS targets
   * of one bucket are rejected by S3 at apply; they are checked here.
   */
  public sendNewObjectsTo(owner: IConstruct, queue: SqsQueue, prefix: string, suffix?: string, region: string = 'us-east-1'): void {
    if (!this.resource) {
      const scope = new Construct(queue.node.scope as Construct, `${queue.node.id}Events`);
      const name = joinName([queue.nameInput && !Token.isUnresolved(queue.nameInput) ? queue.nameInput : owner.node.id, 'new-objects'], 64);
      this.routeToQueue(scope, queue, objectCreatedPattern(this.bucket, prefix, suffix), name, `New objects in s3://${this.bucket}/${prefix}${suffix ? `*${suffix}` : ''} for ${owner.node.path}`, owner);
      return;
    }
    for (const t of this.targets) {
      if ((prefix.startsWith(t.prefix) || t.prefix.startsWith(prefix)) && (suffix === t.suffix || !suffix || !t.suffix)) {
        throw new ConfigError(owner.node.path, 'prefix', prefix, `a prefix of s3://${this.bucket} that does not overlap "${t.prefix}" (already sent to ${t.id}): S3 rejects overlapping notification filters`);
      }
    }
    const policy = allowOnQueue(queue, {
      Sid: 'AllowBucketNotifications',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Condition: { ArnEquals: { 'aws:SourceArn': `arn:${partitionOf(this.region ?? region)}:s3:::${this.bucket}` } },
    });
    this.targets.push({ queueArn: queue.arn, prefix, suffix, id: owner.node.path.replace(/\//g, '-').slice(-200) });
    // S3 checks that it may send to the queue when the notification is saved.
    this.resource.dependsOn = [...(this.resource.dependsOn ?? []), dependable(policy)];
  }

  /**
   * Route this bucket's events matching `pattern` (see {@link approvedMarkerPattern}) to `queue`
   * through Amazon EventBridge: has the bucket's events reach EventBridge ({@link enableEventBridge})
   * and adds, in `scope`, a rule, its target (retried for a day, then to an encrypted dead-letter
   * queue `<name>-events-dlq`, apart from the queue's own `-dlq`) and the queue policy statement
   * that lets that rule, and only it, send. Unlike S3 queue notifications, any number of routes may
   * match the same keys, so several consumers can follow one prefix.
   */
  public routeToQueue(
    scope: Construct, queue: SqsQueue, pattern: Record<string, unknown>, name: string, description: string, consumer?: IConstruct,
  ): CloudwatchEventRule {
    this.enableEventBridge(consumer ?? scope);
    const rule = new CloudwatchEventRule(scope, 'Rule', { name, description, eventPattern: JSON.stringify(pattern) });
    allowOnQueue(queue, {
      Sid: `AllowRule${joinName([name], 64).replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 100),
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Condition: { ArnEquals: { 'aws:SourceArn': rule.arn } },
    });
    const deadLetter = ruleDeadLetterQueue(scope, `${name.slice(0, 69)}-events-dlq`, rule.arn);
    new CloudwatchEventTarget(scope, 'RuleTarget', {
      rule: rule.name,
      targetId: 'Queue',
      arn: queue.arn,
      deadLetterConfig: { arn: deadLetter.arn },
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
    });
    return rule;
  }
}

/** The EventBridge pattern of S3 "Object Created" events of a bucket, under a prefix and with a suffix. @internal */
export function objectCreatedPattern(bucket: string, prefix: string, suffix?: string): Record<string, unknown> {
  const escape = (x: string) => x.replace(/[\\*]/g, (c) => `\\${c}`);
  const key = prefix && suffix ? [{ wildcard: `${escape(prefix)}*${escape(suffix)}` }]
    : prefix ? [{ prefix }]
      : suffix ? [{ suffix }]
        : undefined;
  return {
    'source': ['aws.s3'],
    'detail-type': ['Object Created'],
    'detail': { bucket: { name: [bucket] }, ...(key ? { object: { key } } : {}) },
  };
}

/**
 * The EventBridge pattern of S3 `Object Created` events of `_APPROVED.json` markers one level or
 * more under `prefix` of `bucket` (what a pipeline writes last when it publishes a version;
 * `wildcard`: `*` matches any characters, `*` and `\` in the prefix are escaped).
 */
export function approvedMarkerPattern(bucket: string, prefix: string): Record<string, unknown> {
  const escape = (x: string) => x.replace(/[\\*]/g, (c) => `\\${c}`);
  return {
    'source': ['aws.s3'],
    'detail-type': ['Object Created'],
    'detail': { bucket: { name: [bucket] }, object: { key: [{ wildcard: `${escape(prefix)}*/_APPROVED.json` }] } },
  };
}
