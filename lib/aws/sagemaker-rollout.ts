/**
 * Promotion to a SageMaker endpoint, without code to package: S3 "Object Created" events of new
 * `_APPROVED.json` markers under the endpoint's `modelVersionsUri` → EventBridge rule → a Step
 * Functions state machine (STANDARD) that calls SageMaker through AWS SDK service integrations:
 * `CreateModel` (same image, environment and execution role as the endpoint's model, weights from
 * the new version), `CreateEndpointConfig` (the settings of the endpoint configuration Terraform
 * manages), then `UpdateEndpoint`, and waits until the endpoint is in service on the new
 * configuration.
 *
 * Sources (checked 2026-12): Step Functions "Intrinsic functions for JSONPath states"
 * (`States.StringSplit`, `States.ArrayGetItem`, `States.ArrayLength`, `States.Hash`,
 * `States.Format`, up to 10 nested); Step Functions AWS SDK integrations
 * (`arn:<partition>:states:::aws-sdk:<service>:<apiAction>`, parameters spelled as in the API);
 * EventBridge event patterns (`wildcard` matching); SageMaker developer guide, "Deployment
 * guardrails" (blue/green canary traffic shifting; exclusions: Marketplace containers and Inf1
 * instances fall back to all at once; the new configuration keeps the variant names) and "Update
 * endpoints that use auto scaling" (changing a variant's model is allowed; `RetainAllVariantProperties`
 * keeps the current instance count); SageMaker API `BlueGreenUpdatePolicy` / `TrafficRoutingConfig`
 * (canary size at most 50 % of the variant's capacity, `WaitIntervalInSeconds` 0–3600).
 */
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { SagemakerEndpointConfigurationAsyncInferenceConfig, SagemakerEndpointConfigurationProductionVariants } from '@cdktf/provider-aws/lib/sagemaker-endpoint-configuration';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Annotations, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { accountOf, partitionOf, serviceTrustPolicy } from './arn';
import { approvedMarkerPattern, BucketEvents } from './bucket-events';
import { stateMachineLogging } from './logs';
import { volumeKeyAllowed } from './sagemaker-endpoint';
import type { SageMakerEndpointSpec, SageMakerRealisation } from './sagemaker-endpoint';
import { ruleDeadLetterQueue } from './storage';
import { joinName } from '../core/naming';
import { parseS3Uri } from '../core/s3-uri';

/** The archive name SageMaker training jobs write (what the SageMaker pipeline publishes). */
const ARCHIVE = 'model.tar.gz';
/** Baking time of the canary step before all traffic shifts (SageMaker allows 0 to 3600 s). */
export const CANARY_WAIT_SECONDS = 600;
/** SageMaker's largest canary: half of the variant's capacity. */
const MAX_CANARY_PERCENT = 50;
/** Seconds between two DescribeEndpoint calls while the endpoint is busy. */
const POLL_SECONDS = 60;

/** What the rollout of one SageMaker endpoint needs. @internal */
export interface SageMakerRolloutProps {
  /** What the endpoint was created from (name, region, image, environment, serverless or async). */
  readonly spec: SageMakerEndpointSpec;
  /** What was created: the endpoint, its configuration and its execution role. */
  readonly realisation: SageMakerRealisation;
  /** `s3://bucket/prefix/` where pipelines publish versions (`<prefix><run>/` + `_APPROVED.json`). */
  readonly versionsUri: string;
  /** The endpoint's canary share, percent (100: no canary). */
  readonly canaryPercent: number;
}

/**
 * Add the rollout of a SageMaker endpoint next to it (in `scope`, the endpoint's scope in its AWS
 * stack), once: a second pipeline promoting to the same endpoint reuses it. Returns what a rollout
 * does, for the pipeline's annotation.
 * @internal
 */
export function enableSageMakerRollout(scope: Construct, props: SageMakerRolloutProps): string {
  const existing = scope.node.tryFindChild('Rollout');
  return (existing instanceof SageMakerRollout ? existing : new SageMakerRollout(scope, 'Rollout', props)).description;
}

/**
 * Rolls a SageMaker endpoint to every approved version published under its `modelVersionsUri`.
 *
 * - **Trigger**: the versions bucket sends its events to EventBridge (`eventbridge = true` on the
 *   bucket's one notification configuration, {@link BucketEvents}); a rule matches `Object Created`
 *   of `<prefix>*\/_APPROVED.json` and starts the state machine (role allowed `states:StartExecution`
 *   on it only; undeliverable events go to an encrypted dead-letter queue).
 * - **State machine**: takes the run from the key (the segment after the prefix; deeper markers are
 *   ignored), names the model and the configuration `<endpoint>-r-<md5 of the execution name>` (at
 *   most 63 characters), uses `<version>model.tar.gz` as `ModelDataUrl` when the version holds that
 *   archive (what SageMaker training writes) and the uncompressed prefix
 *   (`ModelDataSource.S3DataSource`, `S3Prefix`, `CompressionType: None`) otherwise, creates the
 *   model and a configuration with the Terraform configuration's variants (names, serverless or
 *   instance settings) and asynchronous settings, waits until the endpoint is `InService`, calls
 *   `UpdateEndpoint` and waits for the endpoint to serve the new configuration (it fails the
 *   execution on a failed or rolled-back update).
 * - **Canary**: SageMaker's deployment guardrails (blue/green, `CANARY` traffic routing) for an
 *   asynchronous endpoint whose `canaryPercent` is 1–99: that share of capacity (at most 50 %)
 *   first, all traffic after {@link CANARY_WAIT_SECONDS}. Each variant of the new configuration
 *   serves the new version; the canary is a step of the update, not a lasting split as on KServe.
 *   Serverless endpoints (one variant, no instance capacity to shift; SageMaker excludes them from
 *   rolling deployments) and Inf1 instances (excluded from guardrails) roll all at once, as
 *   SageMaker's default blue/green update does.
 * - **Terraform does not revert a rollout**: the endpoint ignores changes of
 *   `endpoint_config_name`. After the first deployment promotions own which configuration the
 *   endpoint serves; a change of the endpoint's settings in this program changes the Terraform
 *   configuration and the state machine, and reaches the endpoint with the next promotion.
 * - **IAM**: `CreateModel` and `CreateEndpointConfig` on names starting with `<endpoint>-r-` only,
 *   `DescribeEndpoint` and `UpdateEndpoint` on this endpoint (and its rollout configurations),
 *   `iam:PassRole` of the endpoint's execution role to SageMaker only, `s3:ListBucket` under the
 *   versions prefix; on an asynchronous endpoint `kms:CreateGrant` (for AWS resources) and
 *   `kms:DescribeKey` on its key. The execution role already reads the versions prefix.
 *
 * Models and configurations created by rollouts are not deleted (an idle model or configuration
 * costs nothing; destroying the stack leaves them). Two versions approved in quick succession roll
 * one after the other; the last update wins.
 * @internal
 */
export class SageMakerRollout extends Construct {
  public readonly stateMachine: SfnStateMachine;
  public readonly rule: CloudwatchEventRule;
  /** One line: what a promotion does to the endpoint. */
  public readonly description: string;

  constructor(scope: Construct, id: string, props: SageMakerRolloutProps) {
    super(scope, id);
    const path = this.node.path;
    const { spec, realisation } = props;
    const { endpoint, config, role } = realisation;
    const partition = partitionOf(spec.region);
    const versions = parseS3Uri(props.versionsUri, path, 'modelVersionsUri');
    const bucket = versions.bucket;
    const prefix = versions.prefix === '' || versions.prefix.endsWith('/') ? versions.prefix : `${versions.prefix}/`;
    const depth = prefix.split('/').filter((s) => s !== '').length;
    // Names of rollout models and configurations: <short>-r-<32 hex digits>, at most 63 characters.
    const short = joinName([spec.name], 27);
    const namePrefix = `${short}-r-`;

    // Canary: only where SageMaker's deployment guardrails apply.
    const wanted = props.canaryPercent >= 1 && props.canaryPercent <= 99;
    let canary: number | undefined;
    if (wanted && spec.serverless) {
      Annotations.of(this).addWarning(`canaryPercent ${props.canaryPercent}: a serverless endpoint has no instance capacity to shift, so promotions roll all at once`);
    } else if (wanted && /^ml\.inf1\./.test(spec.async?.instanceType ?? '')) {
      Annotations.of(this).addWarning(`canaryPercent ${props.canaryPercent}: SageMaker's deployment guardrails exclude Inf1 instances (${spec.async!.instanceType}), so promotions roll all at once`);
    } else if (wanted) {
      canary = Math.min(props.canaryPercent, MAX_CANARY_PERCENT);
      if (canary !== props.canaryPercent) {
        Annotations.of(this).addWarning(`canaryPercent ${props.canaryPercent}: a SageMaker canary is at most ${MAX_CANARY_PERCENT} % of capacity, so promotions shift ${canary} % first`);
      }
    }
    this.description = canary !== undefined
      ? `new model and endpoint configuration per version, then UpdateEndpoint with a blue/green canary (${canary} % of capacity for ${CANARY_WAIT_SECONDS / 60} min, then all traffic)`
      : 'new model and endpoint configuration per version, then UpdateEndpoint (blue/green, all at once)';

    // What the new configuration copies: the Terraform configuration's variants and async settings.
    const variants = config.productionVariantsInput;
    if (!Array.isArray(variants)) throw new Error(`${path}: the endpoint configuration's variants are not a literal list`);
    const asyncConfig = config.asyncInferenceConfigInput;
    // The volume key (none on instance types with local storage) and the key of the results.
    const kmsKeyArn = variants.every((v) => !v.instanceType || volumeKeyAllowed(v.instanceType)) ? config.kmsKeyArnInput : undefined;
    const outputKeyArn = asyncConfig?.outputConfig.kmsKeyId;

    const definition = {
      Comment: `Roll SageMaker endpoint ${spec.name} to each approved version under s3://${bucket}/${prefix}`,
      StartAt: 'ParseKey',
      TimeoutSeconds: 86400,
      States: {
        ParseKey: {
          Type: 'Pass',
          Comment: `The run is segment ${depth} of the marker's key`,
          Parameters: {
            'key.$': '$.detail.object.key',
            'segments.$': "States.ArrayLength(States.StringSplit($.detail.object.key, '/'))",
            'run.$': `States.ArrayGetItem(States.StringSplit($.detail.object.key, '/'), ${depth})`,
            'name.$': `States.Format('${namePrefix}{}', States.Hash($$.Execution.Name, 'MD5'))`,
          },
          Next: 'IsVersionMarker',
        },
        IsVersionMarker: {
          Type: 'Choice',
          Choices: [{ Variable: '$.segments', NumericEquals: depth + 2, Next: 'FindArchive' }],
          Default: 'NotAVersion',
        },
        NotAVersion: { Type: 'Succeed', Comment: `A marker deeper than ${prefix}<run>/: not a version` },
        FindArchive: {
          Type: 'Task',
          Comment: `Is the version a ${ARCHIVE} (SageMaker training output) or uncompressed files?`,
          Resource: sdk(partition, 's3', 'listObjectsV2'),
          Parameters: { 'Bucket': bucket, 'Prefix.$': format(prefix, `/${ARCHIVE}`), 'MaxKeys': 1 },
          ResultSelector: { 'count.$': '$.KeyCount' },
          ResultPath: '$.archive',
          Next: 'IsArchive',
        },
        IsArchive: {
          Type: 'Choice',
          Choices: [{ Variable: '$.archive.count', NumericGreaterThan: 0, Next: 'ArchiveModelData' }],
          Default: 'PrefixModelData',
        },
        ArchiveModelData: {
          Type: 'Pass',
          Parameters: { ...container(spec), 'ModelDataUrl.$': format(`s3://${bucket}/${prefix}`, `/${ARCHIVE}`) },
          ResultPath: '$.container',
          Next: 'CreateModel',
        },
        PrefixModelData: {
          Type: 'Pass',
          Parameters: {
            ...container(spec),
            ModelDataSource: { S3DataSource: { 'S3Uri.$': format(`s3://${bucket}/${prefix}`, '/'), 'S3DataType': 'S3Prefix', 'CompressionType': 'None' } },
          },
          ResultPath: '$.container',
          Next: 'CreateModel',
        },
        CreateModel: {
          Type: 'Task',
          Resource: sdk(partition, 'sagemaker', 'createModel'),
          Parameters: {
            'ModelName.$': '$.name',
            'ExecutionRoleArn': role.arn,
            // Weights come from S3: no network needed; serverless endpoints do not support isolation.
            'EnableNetworkIsolation': !spec.serverless,
            'PrimaryContainer.$': '$.container',
          },
          ResultPath: null,
          Next: 'CreateEndpointConfig',
        },
        CreateEndpointConfig: {
          Type: 'Task',
          Resource: sdk(partition, 'sagemaker', 'createEndpointConfig'),
          Parameters: {
            'EndpointConfigName.$': '$.name',
            'ProductionVariants': variants.map(variantOf),
            ...(kmsKeyArn ? { KmsKeyId: kmsKeyArn } : {}),
            ...(asyncConfig ? { AsyncInferenceConfig: asyncConfigOf(asyncConfig) } : {}),
          },
          ResultPath: null,
          Next: 'CheckEndpoint',
        },
        CheckEndpoint: describe(partition, spec.name, 'ReadyToUpdate'),
        ReadyToUpdate: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.endpoint.status', StringEquals: 'InService', Next: 'UpdateEndpoint' },
            { Or: BROKEN.map((s) => ({ Variable: '$.endpoint.status', StringEquals: s })), Next: 'EndpointUnavailable' },
          ],
          Default: 'WaitBeforeUpdate',
        },
        WaitBeforeUpdate: { Type: 'Wait', Seconds: POLL_SECONDS, Next: 'CheckEndpoint' },
        EndpointUnavailable: { Type: 'Fail', Error: 'EndpointUnavailable', Cause: `Endpoint ${spec.name} is ${BROKEN.join(', ')}: it cannot be updated` },
        UpdateEndpoint: {
          Type: 'Task',
          Resource: sdk(partition, 'sagemaker', 'updateEndpoint'),
          Parameters: {
            'EndpointName': spec.name,
            'EndpointConfigName.$': '$.name',
            // Asynchronous endpoints scale their instances (to zero): keep the current counts.
            ...(spec.async ? { RetainAllVariantProperties: true } : {}),
            ...(canary !== undefined ? {
              DeploymentConfig: {
                BlueGreenUpdatePolicy: {
                  TrafficRoutingConfiguration: {
                    Type: 'CANARY',
                    CanarySize: { Type: 'CAPACITY_PERCENT', Value: canary },
                    WaitIntervalInSeconds: CANARY_WAIT_SECONDS,
                  },
                },
              },
            } : {}),
          },
          // An update started in between (another version): try again later.
          Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: POLL_SECONDS, MaxAttempts: 3, BackoffRate: 2 }],
          ResultPath: null,
          Next: 'WaitForRollout',
        },
        WaitForRollout: { Type: 'Wait', Seconds: POLL_SECONDS, Next: 'CheckRollout' },
        CheckRollout: describe(partition, spec.name, 'RolloutDone'),
        RolloutDone: {
          Type: 'Choice',
          Choices: [
            {
              And: [{ Variable: '$.endpoint.status', StringEquals: 'InService' }, { Variable: '$.endpoint.config', StringEqualsPath: '$.name' }],
              Next: 'Rolled',
            },
            { Variable: '$.endpoint.status', StringEquals: 'InService', Next: 'NotServed' },
            { Or: BROKEN.map((s) => ({ Variable: '$.endpoint.status', StringEquals: s })), Next: 'RolloutFailed' },
          ],
          Default: 'WaitForRollout',
        },
        Rolled: { Type: 'Succeed' },
        NotServed: {
          Type: 'Fail',
          Error: 'NotServed',
          Cause: `Endpoint ${spec.name} is in service on another configuration: the update was rolled back, or a later version replaced it`,
        },
        RolloutFailed: { Type: 'Fail', Error: 'RolloutFailed', Cause: `The update of endpoint ${spec.name} failed` },
      },
    };

    // The state machine's role. The account: the endpoint's (known at apply, no data source).
    const account = accountOf(this, 'Account', endpoint.arn);
    const sagemakerArn = (type: string, name: string) => `arn:${partition}:sagemaker:${spec.region}:${account}:${type}/${name}`;
    const machineName = joinName([spec.name, 'rollout'], 80);
    const rolloutConfigs = sagemakerArn('endpoint-config', `${namePrefix}*`);
    const statements: Array<Record<string, unknown>> = [
      { Sid: 'CreateModel', Effect: 'Allow', Action: ['sagemaker:CreateModel'], Resource: [sagemakerArn('model', `${namePrefix}*`)] },
      { Sid: 'CreateEndpointConfig', Effect: 'Allow', Action: ['sagemaker:CreateEndpointConfig'], Resource: [rolloutConfigs] },
      { Sid: 'DescribeEndpoint', Effect: 'Allow', Action: ['sagemaker:DescribeEndpoint'], Resource: [endpoint.arn] },
      // UpdateEndpoint authorizes the endpoint and the configuration it switches to.
      { Sid: 'UpdateEndpoint', Effect: 'Allow', Action: ['sagemaker:UpdateEndpoint'], Resource: [endpoint.arn, rolloutConfigs] },
      {
        Sid: 'PassExecutionRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [role.arn],
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
      {
        Sid: 'FindArchive',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:${partition}:s3:::${bucket}`],
        Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      },
    ];
    const keys = [...new Set([kmsKeyArn, outputKeyArn].filter((k): k is string => !!k))];
    if (keys.length) {
      // The caller of UpdateEndpoint must be allowed to use the configuration's keys (SageMaker API reference, KmsKeyId).
      statements.push(
        { Sid: 'GrantKeyToSageMaker', Effect: 'Allow', Action: ['kms:CreateGrant'], Resource: keys, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
        { Sid: 'DescribeKey', Effect: 'Allow', Action: ['kms:DescribeKey'], Resource: keys },
      );
    }
    const smRole = new IamRole(this, 'Role', {
      namePrefix: joinName([spec.name, 'rollout'], 38),
      // Step Functions assumes it for this state machine only (cross-service confused deputy prevention).
      assumeRolePolicy: serviceTrustPolicy('states.amazonaws.com', {
        sourceAccount: account, sourceArns: [`arn:${partition}:states:${spec.region}:${account}:stateMachine:${machineName}`],
      }),
    });
    const logging = stateMachineLogging(this, joinName([spec.name, 'rollout'], 200));
    const smPolicy = new IamRolePolicy(this, 'RolePolicy', {
      role: smRole.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [...statements, ...logging.statements] }),
    });
    this.stateMachine = new SfnStateMachine(this, 'StateMachine', {
      name: machineName,
      type: 'STANDARD',
      roleArn: smRole.arn,
      definition: JSON.stringify(definition),
      loggingConfiguration: logging.configuration,
      dependsOn: [smPolicy],
    });

    // The trigger.
    BucketEvents.of(TerraformStack.of(this), bucket, path).enableEventBridge(this);
    this.rule = new CloudwatchEventRule(this, 'Rule', {
      name: joinName([spec.name, 'rollout'], 64),
      description: `New approved versions under s3://${bucket}/${prefix} roll SageMaker endpoint ${spec.name}`,
      eventPattern: JSON.stringify(approvedMarkerPattern(bucket, prefix)),
    });
    const eventsRole = new IamRole(this, 'EventsRole', {
      namePrefix: joinName([spec.name, 'rollout-start'], 38),
      // EventBridge assumes it for this rule only.
      assumeRolePolicy: serviceTrustPolicy('events.amazonaws.com', { sourceAccount: account, sourceArns: [this.rule.arn] }),
    });
    new IamRolePolicy(this, 'EventsRolePolicy', {
      role: eventsRole.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['states:StartExecution'], Resource: [this.stateMachine.arn] }],
      }),
    });
    const deadLetter = ruleDeadLetterQueue(this, joinName([spec.name, 'rollout-dlq'], 80), this.rule.arn);
    new CloudwatchEventTarget(this, 'RuleTarget', {
      rule: this.rule.name,
      targetId: 'StartRollout',
      arn: this.stateMachine.arn,
      roleArn: eventsRole.arn,
      deadLetterConfig: { arn: deadLetter.arn },
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
    });

    // Terraform must not switch the endpoint back to its own configuration after a rollout.
    endpoint.lifecycle = { ...endpoint.lifecycle, ignoreChanges: ['endpoint_config_name'] };

  }
}

/** Endpoint states in which no update starts or completes. */
const BROKEN = ['Failed', 'UpdateRollbackFailed', 'OutOfService', 'Deleting'];

/** ARN of an AWS SDK service integration. */
function sdk(partition: string, service: string, action: string): string {
  return `arn:${partition}:states:::aws-sdk:${service}:${action}`;
}

/** `States.Format` of `before` + the run + `after`; their `'`, `{`, `}` and `\` escaped. */
function format(before: string, after: string): string {
  const literal = (t: string) => t.replace(/[\\'{}]/g, (c) => `\\${c}`);
  return `States.Format('${literal(before)}{}${literal(after)}', $.run)`;
}

/** The container of a rollout model, without its model data: the endpoint's image and environment. */
function container(spec: SageMakerEndpointSpec): Record<string, unknown> {
  return { Image: spec.image, Mode: 'SingleModel', ...(Object.keys(spec.environment).length ? { Environment: { ...spec.environment } } : {}) };
}

/** A production variant of the Terraform configuration, as a CreateEndpointConfig variant serving the new model. */
function variantOf(v: SagemakerEndpointConfigurationProductionVariants): Record<string, unknown> {
  const s = v.serverlessConfig;
  return {
    'VariantName': v.variantName,
    'ModelName.$': '$.name',
    'ServerlessConfig': s ? { MemorySizeInMB: s.memorySizeInMb, MaxConcurrency: s.maxConcurrency, ProvisionedConcurrency: s.provisionedConcurrency } : undefined,
    'InstanceType': v.instanceType,
    'InitialInstanceCount': v.initialInstanceCount,
    'InitialVariantWeight': v.initialVariantWeight,
    'ContainerStartupHealthCheckTimeoutInSeconds': v.containerStartupHealthCheckTimeoutInSeconds,
    'ModelDataDownloadTimeoutInSeconds': v.modelDataDownloadTimeoutInSeconds,
  };
}

/** The asynchronous settings of the Terraform configuration, as CreateEndpointConfig takes them. */
function asyncConfigOf(a: SagemakerEndpointConfigurationAsyncInferenceConfig): Record<string, unknown> {
  const o = a.outputConfig;
  const n = o.notificationConfig;
  return {
    ClientConfig: a.clientConfig ? { MaxConcurrentInvocationsPerInstance: a.clientConfig.maxConcurrentInvocationsPerInstance } : undefined,
    OutputConfig: {
      S3OutputPath: o.s3OutputPath,
      S3FailurePath: o.s3FailurePath,
      KmsKeyId: o.kmsKeyId,
      NotificationConfig: n
        ? { SuccessTopic: n.successTopic, ErrorTopic: n.errorTopic, IncludeInferenceResponseIn: n.includeInferenceResponseIn }
        : undefined,
    },
  };
}

/** DescribeEndpoint, keeping its status and configuration name under `$.endpoint`. */
function describe(partition: string, endpointName: string, next: string): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: sdk(partition, 'sagemaker', 'describeEndpoint'),
    Parameters: { EndpointName: endpointName },
    ResultSelector: { 'status.$': '$.EndpointStatus', 'config.$': '$.EndpointConfigName' },
    ResultPath: '$.endpoint',
    Next: next,
  };
}
