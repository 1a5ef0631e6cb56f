/**
 * The SageMaker realisation of a ServerlessInferenceEndpoint: execution role (least privilege),
 * model(s), endpoint configuration and endpoint; for asynchronous inference an encrypted output
 * bucket, optional SNS topics and Application Auto Scaling that scales the instances to zero and
 * back out (AWS SageMaker developer guide, "Autoscale an asynchronous endpoint": step scaling on
 * `HasBacklogWithoutCapacity` to leave zero, target tracking on `ApproximateBacklogSizePerInstance`).
 */
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SagemakerEndpoint } from '@cdktf/provider-aws/lib/sagemaker-endpoint';
import { SagemakerEndpointConfiguration, SagemakerEndpointConfigurationProductionVariants } from '@cdktf/provider-aws/lib/sagemaker-endpoint-configuration';
import { SagemakerModel, SagemakerModelPrimaryContainer } from '@cdktf/provider-aws/lib/sagemaker-model';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Construct } from 'constructs';
import { accountOf, partitionOf, serviceTrustPolicy } from './arn';
import { serviceLogGroup } from './logs';
import { SecureBucket } from './storage';
import { awsInstanceHasLocalStorage } from '../core/aws-instance-storage';
import { joinName } from '../core/naming';
import type { S3Location } from '../core/s3-uri';

/** The model of one production variant. */
export interface SageMakerVariantModel {
  /** Variant name (`AllTraffic`, or `stable` / `canary`). */
  readonly variant: string;
  /** Traffic weight. */
  readonly weight: number;
  /** Weights in S3 (a prefix, or a `.tar.gz` archive). */
  readonly s3?: S3Location;
  /** A Hugging Face Hub repository (the container downloads it: `HF_MODEL_ID`). */
  readonly huggingFaceRepository?: string;
  readonly huggingFaceRevision?: string;
}

/** What to create. @internal */
export interface SageMakerEndpointSpec {
  readonly region: string;
  /** Endpoint name (≤ 63 characters, letters, digits and `-`). */
  readonly name: string;
  readonly image: string;
  /** Parsed ECR image: account, region, repository. */
  readonly imageRepositoryArn: string;
  readonly environment: Record<string, string>;
  readonly variants: SageMakerVariantModel[];
  /** S3 prefixes the role may read: the variants' weights and where new versions are written. */
  readonly readLocations: S3Location[];
  readonly serverless?: { readonly memorySizeMiB: number; readonly maxConcurrency: number; readonly provisionedConcurrency?: number };
  readonly async?: {
    readonly instanceType: string;
    readonly minInstances: number;
    readonly maxInstances: number;
    readonly targetBacklogPerInstance: number;
    readonly scaleInCooldownSeconds: number;
    readonly output?: S3Location;
    /** Where callers upload requests. @default - `inputs/` in the bucket of the results */
    readonly input?: S3Location;
    readonly kmsKeyArn?: string;
    readonly notifications: boolean;
    readonly maxConcurrentInvocationsPerInstance?: number;
    /** Container start-up and model download timeouts, seconds (60 to 3600). */
    readonly startupTimeoutSeconds: number;
  };
}

/** What was created. @internal */
export interface SageMakerRealisation {
  readonly endpoint: SagemakerEndpoint;
  /** The endpoint configuration Terraform manages (what a promotion's rollout copies the settings of). */
  readonly config: SagemakerEndpointConfiguration;
  readonly role: IamRole;
  /** `s3://…/` where asynchronous results go. */
  readonly outputUri?: string;
  /** `s3://…/` where callers upload asynchronous requests (the execution role reads them). */
  readonly inputUri?: string;
  readonly successTopicArn?: string;
  readonly errorTopicArn?: string;
}

const SCALABLE_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

/**
 * Create the endpoint in `scope` (a scope of the stack that holds the AWS provider).
 * @internal
 */
export function realiseSageMakerEndpoint(scope: Construct, spec: SageMakerEndpointSpec): SageMakerRealisation {
  const partition = partitionOf(spec.region);
  const statements: Array<Record<string, unknown>> = [];

  // Read exactly the model prefixes (objects, and listing under the prefixes only).
  const reads = spec.readLocations;
  if (reads.length) {
    statements.push({ Sid: 'ReadModel', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [...new Set(reads.map((l) => `arn:${partition}:s3:::${l.bucket}/${l.prefix}*`))] });
    for (const bucket of [...new Set(reads.map((l) => l.bucket))].sort()) {
      statements.push({
        Sid: `ListModel${capitalize(bucket)}`,
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:${partition}:s3:::${bucket}`],
        Condition: { StringLike: { 's3:prefix': [...new Set(reads.filter((l) => l.bucket === bucket).map((l) => `${l.prefix}*`))] } },
      });
    }
  }
  statements.push({ Sid: 'PullImage', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], Resource: [spec.imageRepositoryArn] });
  // GetAuthorizationToken has no resource-level permissions.
  statements.push({ Sid: 'EcrAuth', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] });
  // The endpoint's log group, with a retention (SageMaker would create it without one); its ARN
  // also gives the account for the trust policy.
  const logs = serviceLogGroup(scope, 'Logs', `/aws/sagemaker/Endpoints/${spec.name}`);
  statements.push({ Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], Resource: [logs.arn, `${logs.arn}:*`] });

  let outputUri: string | undefined;
  let inputUri: string | undefined;
  let failureUri: string | undefined;
  let kmsKeyArn: string | undefined;
  let successTopic: SnsTopic | undefined;
  let errorTopic: SnsTopic | undefined;
  if (spec.async) {
    kmsKeyArn = spec.async.kmsKeyArn ?? new KmsKey(scope, 'Key', {
      description: `SageMaker asynchronous inference ${spec.name}: results, notifications${volumeKeyAllowed(spec.async.instanceType) ? ', volumes' : ''}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    }).arn;
    let outputObjectsArn: string;
    let outputBucket: { name: string; arn: string };
    if (spec.async.output) {
      const o = spec.async.output;
      outputUri = `s3://${o.bucket}/${o.prefix}`;
      outputObjectsArn = `arn:${partition}:s3:::${o.bucket}/${o.prefix}`;
      outputBucket = { name: o.bucket, arn: `arn:${partition}:s3:::${o.bucket}` };
    } else {
      const bucket = new SecureBucket(scope, 'Output', { namePrefix: joinName([spec.name, 'out'], 36) + '-', kmsKeyArn });
      outputUri = `s3://${bucket.bucketName}/results/`;
      outputObjectsArn = `${bucket.arn}/results/`;
      outputBucket = { name: bucket.bucketName, arn: bucket.arn };
    }
    failureUri = `${outputUri}failures/`;
    // Requests uploaded for InvokeEndpointAsync (InputLocation): SageMaker reads them with this role.
    const input = spec.async.input;
    inputUri = input ? `s3://${input.bucket}/${input.prefix}` : `s3://${outputBucket.name}/inputs/`;
    const inputObjectsArn = input ? `arn:${partition}:s3:::${input.bucket}/${input.prefix}` : `${outputBucket.arn}/inputs/`;
    statements.push({ Sid: 'ReadRequests', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${inputObjectsArn}*`] });
    statements.push({ Sid: 'WriteResults', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`${outputObjectsArn}*`] });
    statements.push({ Sid: 'UseKey', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: [kmsKeyArn] });
    if (spec.async.notifications) {
      successTopic = new SnsTopic(scope, 'SuccessTopic', { name: joinName([spec.name, 'success'], 256), kmsMasterKeyId: kmsKeyArn });
      errorTopic = new SnsTopic(scope, 'ErrorTopic', { name: joinName([spec.name, 'error'], 256), kmsMasterKeyId: kmsKeyArn });
      statements.push({ Sid: 'Notify', Effect: 'Allow', Action: ['sns:Publish'], Resource: [successTopic.arn, errorTopic.arn] });
    }
  }

  const role = new IamRole(scope, 'ExecutionRole', {
    namePrefix: joinName([spec.name, 'exec'], 38),
    // SageMaker assumes it for this account only (SageMaker developer guide, cross-service confused deputy prevention).
    assumeRolePolicy: serviceTrustPolicy('sagemaker.amazonaws.com', { sourceAccount: accountOf(scope, 'Account', logs.arn) }),
  });
  const policy = new IamRolePolicy(scope, 'ExecutionPolicy', {
    role: role.id,
    policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
  });

  const variants: SagemakerEndpointConfigurationProductionVariants[] = spec.variants.map((v) => {
    const model = new SagemakerModel(scope, spec.variants.length === 1 ? 'Model' : `Model-${v.variant}`, {
      executionRoleArn: role.arn,
      primaryContainer: primaryContainer(spec, v),
      // A model whose weights SageMaker fetches from S3 needs no network; serverless endpoints
      // do not support network isolation; Hub models download at start.
      enableNetworkIsolation: !!v.s3 && !spec.serverless,
      dependsOn: [policy],
    });
    if (spec.serverless) {
      return {
        variantName: v.variant,
        modelName: model.name,
        serverlessConfig: {
          memorySizeInMb: spec.serverless.memorySizeMiB,
          maxConcurrency: spec.serverless.maxConcurrency,
          provisionedConcurrency: spec.serverless.provisionedConcurrency,
        },
      };
    }
    const a = spec.async!;
    return {
      variantName: v.variant,
      modelName: model.name,
      instanceType: a.instanceType,
      // SageMaker creates an endpoint with at least one instance; scaling takes it to zero after.
      initialInstanceCount: Math.max(1, a.minInstances),
      initialVariantWeight: v.weight,
      containerStartupHealthCheckTimeoutInSeconds: a.startupTimeoutSeconds,
      modelDataDownloadTimeoutInSeconds: a.startupTimeoutSeconds,
    };
  });

  const config = new SagemakerEndpointConfiguration(scope, 'Config', {
    namePrefix: joinName([spec.name], 36) + '-',
    productionVariants: variants,
    // Serverless endpoints take no volume key, and CreateEndpointConfig fails with one on an
    // instance type with local NVMe storage (hardware-encrypted): the key still encrypts the results.
    kmsKeyArn: spec.async && volumeKeyAllowed(spec.async.instanceType) ? kmsKeyArn : undefined,
    asyncInferenceConfig: spec.async ? {
      clientConfig: spec.async.maxConcurrentInvocationsPerInstance
        ? { maxConcurrentInvocationsPerInstance: spec.async.maxConcurrentInvocationsPerInstance }
        : undefined,
      outputConfig: {
        s3OutputPath: outputUri!,
        s3FailurePath: failureUri,
        kmsKeyId: kmsKeyArn,
        notificationConfig: successTopic ? { successTopic: successTopic.arn, errorTopic: errorTopic!.arn, includeInferenceResponseIn: ['SUCCESS_NOTIFICATION_TOPIC'] } : undefined,
      },
    } : undefined,
    // A changed configuration is a new one; the endpoint switches over, then the old one goes.
    lifecycle: { createBeforeDestroy: true },
  });

  const endpoint = new SagemakerEndpoint(scope, 'Resource', { name: spec.name, endpointConfigName: config.name, dependsOn: [logs] });

  if (spec.async) autoscaleAsync(scope, spec, endpoint);

  return { endpoint, config, role, outputUri, inputUri, successTopicArn: successTopic?.arn, errorTopicArn: errorTopic?.arn };
}

/** Application Auto Scaling of each variant: min 0, out of zero on backlog, target tracking on backlog per instance. */
function autoscaleAsync(scope: Construct, spec: SageMakerEndpointSpec, endpoint: SagemakerEndpoint): void {
  const a = spec.async!;
  const stepPolicies: AppautoscalingPolicy[] = [];
  for (const v of spec.variants) {
    const s = new Construct(scope, spec.variants.length === 1 ? 'Scaling' : `Scaling-${v.variant}`);
    const target = new AppautoscalingTarget(s, 'Target', {
      serviceNamespace: 'sagemaker',
      resourceId: `endpoint/${endpoint.name}/variant/${v.variant}`,
      scalableDimension: SCALABLE_DIMENSION,
      minCapacity: a.minInstances,
      maxCapacity: a.maxInstances,
    });
    const common = { resourceId: target.resourceId, scalableDimension: target.scalableDimension, serviceNamespace: target.serviceNamespace };
    new AppautoscalingPolicy(s, 'BacklogPerInstance', {
      ...common,
      name: joinName([spec.name, v.variant, 'backlog'], 255),
      policyType: 'TargetTrackingScaling',
      targetTrackingScalingPolicyConfiguration: {
        targetValue: a.targetBacklogPerInstance,
        scaleInCooldown: a.scaleInCooldownSeconds,
        scaleOutCooldown: 60,
        customizedMetricSpecification: {
          metricName: 'ApproximateBacklogSizePerInstance',
          namespace: 'AWS/SageMaker',
          statistic: 'Average',
          dimensions: [{ name: 'EndpointName', value: endpoint.name }],
        },
      },
    });
    stepPolicies.push(new AppautoscalingPolicy(s, 'ScaleOutFromZero', {
      ...common,
      name: joinName([spec.name, v.variant, 'from-zero'], 255),
      policyType: 'StepScaling',
      stepScalingPolicyConfiguration: {
        adjustmentType: 'ChangeInCapacity',
        cooldown: 300,
        metricAggregationType: 'Average',
        stepAdjustment: [{ metricIntervalLowerBound: '0', scalingAdjustment: 1 }],
      },
    }));
  }
  // Requests wait and no instance runs: the target tracking metric (per instance) has no value, so
  // this alarm takes the endpoint out of zero.
  new CloudwatchMetricAlarm(scope, 'HasBacklogWithoutCapacity', {
    alarmName: joinName([spec.name, 'backlog-without-capacity'], 255),
    alarmDescription: `Requests are queued on ${spec.name} while it has no instance: scale out from zero`,
    namespace: 'AWS/SageMaker',
    metricName: 'HasBacklogWithoutCapacity',
    dimensions: { EndpointName: endpoint.name },
    statistic: 'Average',
    period: 60,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'missing',
    alarmActions: stepPolicies.map((p) => p.arn),
  });
}

function primaryContainer(spec: SageMakerEndpointSpec, v: SageMakerVariantModel): SagemakerModelPrimaryContainer {
  const environment: Record<string, string> = { ...spec.environment };
  if (v.huggingFaceRepository) {
    environment.HF_MODEL_ID = v.huggingFaceRepository;
    if (v.huggingFaceRevision) environment.HF_MODEL_REVISION = v.huggingFaceRevision;
  }
  const env = Object.keys(environment).length ? { environment } : {};
  if (!v.s3) return { image: spec.image, mode: 'SingleModel', ...env };
  const uri = `s3://${v.s3.bucket}/${v.s3.prefix}`;
  if (/\.tar\.gz$/.test(v.s3.prefix)) return { image: spec.image, mode: 'SingleModel', modelDataUrl: uri, ...env };
  // Uncompressed weights under a prefix (no tar.gz round trip for large models).
  return {
    image: spec.image,
    mode: 'SingleModel',
    modelDataSource: { s3DataSource: [{ s3Uri: uri.endsWith('/') ? uri : `${uri}/`, s3DataType: 'S3Prefix', compressionType: 'None' }] },
    ...env,
  };
}

/**
 * Whether an endpoint configuration may carry a volume `KmsKeyId` for this instance type: not on
 * types with local NVMe instance storage (SageMaker API reference, CreateEndpointConfig `KmsKeyId`:
 * "If you specify a value for KmsKeyId when using any nitro-based instances with local storage,
 * the call to CreateEndpointConfig fails"; aws/sagemaker-python-sdk#3677).
 * @internal
 */
export function volumeKeyAllowed(instanceType: string): boolean {
  return !awsInstanceHasLocalStorage(instanceType);
}

function capitalize(s: string): string {
  return s.replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, _p, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
}
