/**
 * New objects start a SageMaker pipeline once per window, not once per object: S3 "Object Created"
 * events → EventBridge rule → an encrypted SQS queue; every window an EventBridge schedule starts a
 * small Step Functions state machine that reads the queue's `ApproximateNumberOfMessages`, and
 * when the queue holds any, calls `StartPipelineExecution` (parameter `Trigger=new-objects`) and
 * then purges the queue. A burst of 1,000 uploads in one window is one run.
 *
 * Sources (checked 2026-12): Step Functions AWS SDK service integrations
 * (`arn:<partition>:states:::aws-sdk:<service>:<apiAction>`, parameters as in the service API);
 * SQS API `GetQueueAttributes` (`AttributeNames: [ApproximateNumberOfMessages]`, values are
 * strings) and `PurgeQueue` (one purge per 60 s, `PurgeQueueInProgress` otherwise); SageMaker API
 * `StartPipelineExecution` (`PipelineName`, `PipelineParameters` `Name`/`Value`,
 * `ClientRequestToken` 32–128 characters); EventBridge `rate(<n> minutes)` schedules.
 */
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SagemakerPipeline } from '@cdktf/provider-aws/lib/sagemaker-pipeline';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { accountOf, serviceTrustPolicy } from './arn';
import { BucketEvents, objectCreatedPattern } from './bucket-events';
import { stateMachineLogging } from './logs';
import { secureQueue } from './storage';
import { Duration } from '../core/duration';
import { joinName } from '../core/naming';
import type { S3Location } from '../core/s3-uri';

/** What the new-data trigger of a SageMaker pipeline needs. @internal */
export interface SageMakerNewDataTriggerProps {
  /** The pipeline construct (warnings and event routes are reported on it). */
  readonly owner: IConstruct;
  /** The pipeline's name (`<platform>-<pipeline>`, at most 63 characters). */
  readonly name: string;
  readonly region: string;
  readonly partition: string;
  readonly pipeline: SagemakerPipeline;
  /** The watched prefix and the key suffix. */
  readonly location: S3Location;
  readonly suffix?: string;
  /** How long new objects are collected before one run. */
  readonly window: Duration;
  /** The user's opt-in to owning the bucket's notification configuration. */
  readonly configureNotifications?: boolean;
}

/**
 * The queue, the EventBridge route into it, the window schedule and the state machine that
 * starts one run per window with new objects.
 * @internal
 */
export class SageMakerNewDataTrigger extends Construct {
  public readonly stateMachine: SfnStateMachine;
  /** The EventBridge rule of the object events (into the queue, never to the pipeline). */
  public readonly eventsRule: CloudwatchEventRule;
  /** The EventBridge schedule of the window. */
  public readonly windowRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: SageMakerNewDataTriggerProps) {
    super(scope, id);
    const { name, partition, location: loc } = props;
    const minutes = Math.max(1, Math.round(props.window.toSeconds() / 60));
    const { queue } = secureQueue(this, 'Queue', { name: joinName([name, 'new-data'], 80), messageRetentionSeconds: 1209600 });
    const uri = `s3://${loc.bucket}/${loc.prefix}${props.suffix ? `*${props.suffix}` : ''}`;
    const ownership = { configureNotifications: props.configureNotifications };
    const events = BucketEvents.of(TerraformStack.of(this), loc.bucket, props.owner.node.path, ownership);
    this.eventsRule = events.routeToQueue(this, queue, objectCreatedPattern(loc.bucket, loc.prefix, props.suffix), joinName([name, 'new-data'], 64), `New objects under ${uri} wait for the next run of ${name}`, props.owner);

    const sdk = (service: string, action: string) => `arn:${partition}:states:::aws-sdk:${service}:${action}`;
    const definition = {
      Comment: `Every ${minutes} min: one run of SageMaker pipeline ${name} if objects arrived under ${uri}`,
      StartAt: 'CountNewObjects',
      TimeoutSeconds: 900,
      States: {
        CountNewObjects: {
          Type: 'Task',
          Resource: sdk('sqs', 'getQueueAttributes'),
          Parameters: { QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages'] },
          ResultSelector: { 'count.$': '$.Attributes.ApproximateNumberOfMessages' },
          ResultPath: '$.queue',
          Next: 'AnyNewObjects',
        },
        AnyNewObjects: {
          Type: 'Choice',
          // The attribute is a string.
          Choices: [{ Variable: '$.queue.count', StringEquals: '0', Next: 'NothingNew' }],
          Default: 'StartPipeline',
        },
        NothingNew: { Type: 'Succeed' },
        StartPipeline: {
          Type: 'Task',
          Resource: sdk('sagemaker', 'startPipelineExecution'),
          Parameters: {
            'PipelineName': props.pipeline.pipelineName,
            'PipelineParameters': [{ Name: 'Trigger', Value: 'new-objects' }],
            // One token per window execution: a retried call starts no second run.
            'ClientRequestToken.$': "States.Hash($$.Execution.Name, 'MD5')",
          },
          Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 30, MaxAttempts: 3, BackoffRate: 2 }],
          ResultPath: null,
          Next: 'ForgetCountedObjects',
        },
        // After the start: objects that arrived up to here are in this run's data (the pipeline
        // reads the prefix when its jobs start); a failed start leaves them for the next window.
        ForgetCountedObjects: {
          Type: 'Task',
          Resource: sdk('sqs', 'purgeQueue'),
          Parameters: { QueueUrl: queue.url },
          Catch: [{ ErrorEquals: ['Sqs.PurgeQueueInProgressException', 'States.TaskFailed'], ResultPath: null, Next: 'Started' }],
          ResultPath: null,
          Next: 'Started',
        },
        Started: { Type: 'Succeed' },
      },
    };

    // The account (known at apply, no data source) and the names the trust policies pin.
    const account = accountOf(this, 'Account', queue.arn);
    const machineName = joinName([name, 'new-data'], 80);
    const role = new IamRole(this, 'Role', {
      namePrefix: joinName([name, 'new-data'], 38),
      // Step Functions assumes it for this state machine only (cross-service confused deputy prevention).
      assumeRolePolicy: serviceTrustPolicy('states.amazonaws.com', {
        sourceAccount: account, sourceArns: [`arn:${partition}:states:${props.region}:${account}:stateMachine:${machineName}`],
      }),
    });
    const logging = stateMachineLogging(this, joinName([name, 'new-data'], 200));
    const policy = new IamRolePolicy(this, 'RolePolicy', {
      role: role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ReadAndEmptyQueue', Effect: 'Allow', Action: ['sqs:GetQueueAttributes', 'sqs:PurgeQueue'], Resource: [queue.arn] },
          { Sid: 'StartPipeline', Effect: 'Allow', Action: ['sagemaker:StartPipelineExecution'], Resource: [props.pipeline.arn] },
          ...logging.statements,
        ],
      }),
    });
    this.stateMachine = new SfnStateMachine(this, 'StateMachine', {
      name: machineName,
      type: 'STANDARD',
      roleArn: role.arn,
      definition: JSON.stringify(definition),
      loggingConfiguration: logging.configuration,
      dependsOn: [policy],
    });

    this.windowRule = new CloudwatchEventRule(this, 'Window', {
      name: joinName([name, 'new-data-window'], 64),
      description: `Every ${minutes} min: start ${name} once if objects arrived under ${uri}`,
      scheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
    });
    const startRole = new IamRole(this, 'WindowRole', {
      namePrefix: joinName([name, 'new-data-start'], 38),
      // EventBridge assumes it for the window rule only.
      assumeRolePolicy: serviceTrustPolicy('events.amazonaws.com', { sourceAccount: account, sourceArns: [this.windowRule.arn] }),
    });
    new IamRolePolicy(this, 'WindowRolePolicy', {
      role: startRole.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['states:StartExecution'], Resource: [this.stateMachine.arn] }] }),
    });
    new CloudwatchEventTarget(this, 'WindowTarget', {
      rule: this.windowRule.name,
      targetId: 'CheckNewObjects',
      arn: this.stateMachine.arn,
      roleArn: startRole.arn,
      // A missed window is covered by the next one.
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 300 },
    });
  }
}
