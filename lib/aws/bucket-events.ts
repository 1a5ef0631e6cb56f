import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { App, dependable, Lazy, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { partitionOf } from './arn';
import { ruleDeadLetterQueue } from './storage';
import { ConfigError } from '../core/errors';

interface QueueTarget { readonly queueArn: string; readonly prefix: string; readonly suffix?: string; readonly id: string }

const owners = new WeakMap<App, Map<string, string>>();

/**
 * The one `aws_s3_bucket_notification` of a bucket (S3 allows one notification configuration per
 * bucket, so every consumer in the program shares it). Consumers add SQS targets with
 * {@link BucketEvents.sendNewObjectsTo}; the resource renders them at synth.
 * @internal
 */
export class BucketEvents extends Construct {
  /** The bucket's notification construct in `stack` (throws when another stack already owns it). */
  public static of(stack: TerraformStack, bucket: string, path: string): BucketEvents {
    const app = App.of(stack);
    const byBucket = owners.get(app) ?? new Map<string, string>();
    owners.set(app, byBucket);
    const owner = byBucket.get(bucket);
    if (owner && owner !== stack.node.id) {
      throw new ConfigError(path, 'bucket', bucket, `a bucket whose notifications are configured from one stack only: ${owner} already configures s3://${bucket} notifications (S3 keeps one configuration per bucket); put the consumers of this bucket on the same cluster or AWS region`);
    }
    byBucket.set(bucket, stack.node.id);
    const id = `BucketEvents-${bucket}`;
    return (stack.node.tryFindChild(id) as BucketEvents | undefined) ?? new BucketEvents(stack, id, bucket);
  }

  private readonly targets: QueueTarget[] = [];
  private readonly resource: S3BucketNotification;

  private constructor(scope: Construct, id: string, public readonly bucket: string) {
    super(scope, id);
    this.resource = new S3BucketNotification(this, 'Resource', {
      bucket,
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
  }

  /**
   * Also send every event of this bucket to Amazon EventBridge (`eventbridge = true` on the same
   * notification configuration), for rules that match them (AWS Batch functions).
   */
  public enableEventBridge(): void {
    this.resource.eventbridge = true;
  }

  /**
   * Send "object created" events under `prefix` to `queue`, and let this bucket (only) send to the
   * queue. Overlapping prefixes between consumers are rejected by S3 at apply; they are checked here.
   */
  public sendNewObjectsTo(owner: IConstruct, queue: SqsQueue, prefix: string, suffix?: string, region: string = 'us-east-1'): void {
    for (const t of this.targets) {
      if ((prefix.startsWith(t.prefix) || t.prefix.startsWith(prefix)) && (suffix === t.suffix || !suffix || !t.suffix)) {
        throw new ConfigError(owner.node.path, 'prefix', prefix, `a prefix of s3://${this.bucket} that does not overlap "${t.prefix}" (already sent to ${t.id}): S3 rejects overlapping notification filters`);
      }
    }
    const policy = new SqsQueuePolicy(queue.node.scope as Construct, `${queue.node.id}FromBucket`, {
      queueUrl: queue.url,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'AllowBucketNotifications',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queue.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': `arn:${partitionOf(region)}:s3:::${this.bucket}` } },
        }],
      }),
    });
    this.targets.push({ queueArn: queue.arn, prefix, suffix, id: owner.node.path.replace(/\//g, '-').slice(-200) });
    // S3 checks that it may send to the queue when the notification is saved.
    this.resource.dependsOn = [...(this.resource.dependsOn ?? []), dependable(policy)];
  }

  /**
   * Route this bucket's events matching `pattern` (see {@link approvedMarkerPattern}) to `queue`
   * through Amazon EventBridge: turns the bucket's EventBridge delivery on and adds, in `scope`, a
   * rule, its target (retried for a day, then to an encrypted dead-letter queue) and the queue
   * policy that lets that rule, and only it, send. Unlike S3 queue notifications, any number of
   * routes may match the same keys, so several consumers can follow one prefix.
   */
  public routeToQueue(scope: Construct, queue: SqsQueue, pattern: Record<string, unknown>, name: string, description: string): CloudwatchEventRule {
    this.enableEventBridge();
    const rule = new CloudwatchEventRule(scope, 'Rule', { name, description, eventPattern: JSON.stringify(pattern) });
    new SqsQueuePolicy(scope, `${queue.node.id}FromRule`, {
      queueUrl: queue.url,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'AllowRule',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queue.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': rule.arn } },
        }],
      }),
    });
    const deadLetter = ruleDeadLetterQueue(scope, `${name.slice(0, 76)}-dlq`, rule.arn);
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
