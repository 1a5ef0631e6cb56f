import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SagemakerModelPackageGroup } from '@cdktf/provider-aws/lib/sagemaker-model-package-group';
import { SagemakerPipeline } from '@cdktf/provider-aws/lib/sagemaker-pipeline';
import { IConstruct } from 'constructs';
import { accountOf, partitionOf, serviceTrustPolicy } from './arn';
import { SageMakerNewDataTrigger } from './sagemaker-retrain';
import { SecureBucket } from './storage';
import { findAwsInstanceType } from '../core/aws-instance-types';
import { parseCron, toEventBridgeCron } from '../core/cron';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';
import { joinName } from '../core/naming';
import { parseS3Uri } from '../core/s3-uri';
import type { PipelinePlan, TrainingPipeline } from '../training/pipeline';
import { withSlash } from '../training/pipeline';
import { rolloutOnServingCluster } from '../training/promotion';
import type { SageMakerTarget } from '../training/sagemaker-target';
import { StageKinds, TrainingStage } from '../training/vocabulary';

/** What the SageMaker realisation created. @internal */
export interface SageMakerRealisation {
  readonly resource: IConstruct;
  readonly artifactsUri: string;
  /** SageMaker instance type per stage name. */
  readonly instanceTypes: Record<string, string>;
}

const EXECUTION_ID = { Get: 'Execution.PipelineExecutionId' };
const PROCESSING = '/opt/ml/processing';
const DEFAULT_CPU_INSTANCE = 'ml.m5.xlarge';

/** `Std:Join` of strings and pipeline expressions. */
function join(values: unknown[], on = ''): Record<string, unknown> {
  return { 'Std:Join': { On: on, Values: values } };
}

/** JsonPath of a flat metric key: dot notation when plain, bracket notation otherwise. */
export function metricJsonPath(metric: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(metric) ? metric : `['${metric}']`;
}

/**
 * Realise a training pipeline as an Amazon SageMaker Pipeline: processing steps for preprocess,
 * evaluate and custom stages, a training step with managed spot training and S3 checkpoints, a
 * condition step for the gates, a RegisterModel step into a model package group, and publication
 * of the approved version under the endpoint's `modelVersionsUri`. New objects in the data bucket
 * start it once per `batchWindow` ({@link SageMakerNewDataTrigger}); EventBridge rules start it on
 * schedules, through a role allowed only `sagemaker:StartPipelineExecution` on this pipeline.
 * @internal
 */
export function realiseOnSageMaker(p: TrainingPipeline, target: SageMakerTarget, plan: PipelinePlan): SageMakerRealisation {
  const path = p.node.path;
  const scope = target._scopeFor(p);
  const region = target.region;
  const partition = partitionOf(region);
  const name = joinName([target.platformName, plan.name], 63);
  const ckpt = plan.checkpointing;
  if (ckpt && ckpt.kind !== 's3') {
    throw new ConfigError(path, 'checkpointing', ckpt.kind, 'Checkpointing.s3(uri) on SageMaker (training jobs sync /opt/ml/checkpoints with S3; there is no PersistentVolumeClaim)');
  }

  // Instance types.
  const instanceTypes: Record<string, string> = {};
  for (const s of plan.stages) instanceTypes[s.name] = instanceTypeOf(s, path);

  // Buckets and the execution role.
  let artifactsUri: string;
  let artifactsBucketArn: string;
  let artifactsPrefix = '';
  if (plan.artifactsUri) {
    const loc = parseS3Uri(plan.artifactsUri, path, 'artifactsUri');
    artifactsUri = plan.artifactsUri;
    artifactsBucketArn = `arn:${partition}:s3:::${loc.bucket}`;
    artifactsPrefix = loc.prefix;
  } else {
    const bucket = new SecureBucket(scope, 'Artifacts', { namePrefix: joinName([target.platformName, plan.name], 36) + '-' });
    artifactsUri = `s3://${bucket.bucketName}/`;
    artifactsBucketArn = bucket.arn;
  }
  const data = parseS3Uri(plan.dataUri, path, 'dataUri');
  const ckptLoc = ckpt ? parseS3Uri(ckpt.uri!, path, 'checkpointing.uri') : undefined;
  const promotion = plan.promoteTo?.promotion;
  const versions = promotion ? parseS3Uri(promotion.modelVersionsUri, path, 'promoteTo.promotion.modelVersionsUri') : undefined;
  const group = new SagemakerModelPackageGroup(scope, 'ModelPackageGroup', {
    modelPackageGroupName: name,
    modelPackageGroupDescription: `Models of training pipeline ${plan.name}`,
  });
  // The deploying account, from the group's ARN (known at apply; no data source).
  const account = accountOf(scope, 'Account', group.arn);
  const role = new IamRole(scope, 'ExecutionRole', {
    namePrefix: joinName([target.platformName, plan.name, 'sm'], 38),
    // SageMaker assumes it for this account only (SageMaker developer guide, cross-service confused deputy prevention).
    assumeRolePolicy: serviceTrustPolicy('sagemaker.amazonaws.com', { sourceAccount: account }),
  });
  const arn = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${account}:${resource}`;
  // The stages' images: their exact repositories (any account: AWS publishes framework images from its own).
  const repositories = [...new Set(plan.stages.map((st) => st.options.image).map((image) => ecrRepositoryArn(image, partition)))];
  const bucketArn = (b: string) => `arn:${partition}:s3:::${b}`;
  const writableLocations = [
    { bucket: artifactsBucketArn, prefix: artifactsPrefix },
    ...(ckptLoc ? [{ bucket: bucketArn(ckptLoc.bucket), prefix: ckptLoc.prefix }] : []),
    ...(versions ? [{ bucket: bucketArn(versions.bucket), prefix: versions.prefix }] : []),
  ];
  const writable = writableLocations.map((l) => `${l.bucket}/${l.prefix}*`);
  new IamRolePolicy(scope, 'ExecutionPolicy', {
    role: role.id,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadData', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:${partition}:s3:::${data.bucket}/${data.prefix}*`] },
        { Sid: 'WriteRunData', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], Resource: writable },
        { Sid: 'ListBuckets', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: [...new Set([bucketArn(data.bucket), ...writableLocations.map((l) => l.bucket)])] },
        {
          Sid: 'RunJobs',
          Effect: 'Allow',
          Action: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:AddTags'],
          Resource: [arn('sagemaker', 'training-job/*'), arn('sagemaker', 'processing-job/*')],
        },
        {
          Sid: 'RegisterModels',
          Effect: 'Allow',
          Action: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:AddTags'],
          Resource: [group.arn, arn('sagemaker', `model-package/${name}/*`)],
        },
        { Sid: 'PassItselfToJobs', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [role.arn], Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } },
        { Sid: 'PullImages', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], Resource: repositories },
        { Sid: 'EcrToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
        { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], Resource: [arn('logs', 'log-group:/aws/sagemaker/*')] },
        { Sid: 'Metrics', Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: ['*'], Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } } },
      ],
    }),
  });

  // Steps.
  const runPath = (stage: string) => join([`${withSlash(artifactsUri)}runs`, EXECUTION_ID, stage], '/');
  const steps: Array<Record<string, unknown>> = [];
  const train = plan.train;
  const trainName = stepName(train.name);
  const evaluate = plan.evaluate;
  const common = (s: TrainingStage) => ({
    PIPELINE_NAME: plan.name, DATA_URI: plan.dataUri, ARTIFACTS_URI: `${withSlash(artifactsUri)}runs/`, ...(s.options.env ?? {}),
  });
  const modelArtifacts = { Get: `Steps.${trainName}.ModelArtifacts.S3ModelArtifacts` };
  for (const s of plan.stages) {
    const deps = plan.dependencies[s.name].map(stepName);
    if (s === train) {
      const spot = s.capacity.interruptible;
      const maxRuntime = Math.ceil(s.maxRuntime.toSeconds());
      const maxWait = s.options.maxWait ? Math.ceil(s.options.maxWait.toSeconds()) : spot ? maxRuntime * 2 : undefined;
      const pre = plan.dependencies[s.name].map((d) => plan.stages.find((x) => x.name === d)!).find((x) => x.kind === StageKinds.PREPROCESS);
      steps.push({
        Name: trainName,
        Type: 'Training',
        ...(deps.length ? { DependsOn: deps } : {}),
        Arguments: {
          AlgorithmSpecification: {
            TrainingImage: s.options.image,
            TrainingInputMode: 'File',
            ...(s.options.command ? { ContainerEntrypoint: s.options.command } : {}),
            ...(s.options.args ? { ContainerArguments: s.options.args } : {}),
          },
          RoleArn: role.arn,
          InputDataConfig: [{
            ChannelName: 'train',
            DataSource: {
              S3DataSource: {
                S3DataType: 'S3Prefix',
                S3Uri: pre ? { Get: `Steps.${stepName(pre.name)}.ProcessingOutputConfig.Outputs['output'].S3Output.S3Uri` } : plan.dataUri,
                S3DataDistributionType: 'FullyReplicated',
              },
            },
          }],
          OutputDataConfig: { S3OutputPath: runPath('model') },
          ResourceConfig: { InstanceType: instanceTypes[s.name], InstanceCount: s.workers, VolumeSizeInGB: 200 },
          StoppingCondition: { MaxRuntimeInSeconds: maxRuntime, ...(maxWait !== undefined ? { MaxWaitTimeInSeconds: maxWait } : {}) },
          EnableManagedSpotTraining: spot,
          ...(ckpt ? { CheckpointConfig: { S3Uri: join([withSlash(ckpt.uri!), EXECUTION_ID, '/']), LocalPath: '/opt/ml/checkpoints' } } : {}),
          Environment: {
            ...common(s),
            ...(ckpt ? { CHECKPOINT_DIR: '/opt/ml/checkpoints', RESUME_FROM_CHECKPOINT: 'latest' } : {}),
            ...(ckpt?.interval ? { CHECKPOINT_INTERVAL_SECONDS: String(Math.max(1, Math.round(ckpt.interval.toSeconds()))) } : {}),
            MODEL_DIR: '/opt/ml/model',
          },
        },
      });
      continue;
    }
    const isEval = s === evaluate;
    const afterTrain = plan.dependencies[s.name].length > 0 && isEval;
    steps.push({
      Name: stepName(s.name),
      Type: 'Processing',
      ...(deps.length ? { DependsOn: deps } : {}),
      Arguments: {
        AppSpecification: {
          ImageUri: s.options.image,
          ...(s.options.command ? { ContainerEntrypoint: s.options.command } : {}),
          ...(s.options.args ? { ContainerArguments: s.options.args } : {}),
        },
        RoleArn: role.arn,
        ProcessingResources: { ClusterConfig: { InstanceType: instanceTypes[s.name], InstanceCount: 1, VolumeSizeInGB: 100 } },
        StoppingCondition: { MaxRuntimeInSeconds: Math.ceil(s.maxRuntime.toSeconds()) },
        ProcessingInputs: [
          { InputName: 'data', S3Input: { S3Uri: plan.dataUri, LocalPath: `${PROCESSING}/input/data`, S3DataType: 'S3Prefix', S3InputMode: 'File' } },
          ...(afterTrain ? [{ InputName: 'model', S3Input: { S3Uri: modelArtifacts, LocalPath: `${PROCESSING}/model`, S3DataType: 'S3Prefix', S3InputMode: 'File' } }] : []),
        ],
        ProcessingOutputConfig: {
          Outputs: [{ OutputName: isEval ? 'evaluation' : 'output', S3Output: { S3Uri: runPath(s.name), LocalPath: `${PROCESSING}/${isEval ? 'evaluation' : 'output'}`, S3UploadMode: 'EndOfJob' } }],
        },
        Environment: {
          ...common(s),
          DATA_DIR: `${PROCESSING}/input/data`,
          ...(isEval ? { MODEL_DIR: `${PROCESSING}/model`, METRICS_PATH: `${PROCESSING}/evaluation/metrics.json` } : { OUTPUT_DIR: `${PROCESSING}/output` }),
        },
      },
      ...(isEval ? { PropertyFiles: [{ PropertyFileName: 'Metrics', OutputName: 'evaluation', FilePath: 'metrics.json' }] } : {}),
    });
  }

  // Registration (and publication) after the gate.
  const registerAfter = evaluate ? stepName(evaluate.name) : trainName;
  const register: Record<string, unknown> = {
    Name: 'RegisterModel',
    Type: 'RegisterModel',
    ...(plan.gates.length ? {} : { DependsOn: [registerAfter] }),
    Arguments: {
      ModelPackageGroupName: name,
      ModelPackageDescription: `${plan.name}, run `,
      // Approved when the gates decided, or when the run is published anyway (a promotion without
      // gates, warned about at synth): the registry never says "pending" of a version that serves.
      // Without gates and without promotion, a person approves in the registry.
      ModelApprovalStatus: plan.gates.length || promotion ? 'Approved' : 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: train.options.image, ModelDataUrl: modelArtifacts }],
        SupportedContentTypes: ['application/json'],
        SupportedResponseMIMETypes: ['application/json'],
      },
      ...(evaluate ? {
        ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: join([runPath(evaluate.name), '/metrics.json']) } } },
      } : {}),
    },
  };
  (register.Arguments as any).ModelPackageDescription = join([`${plan.name}, pipeline execution `, EXECUTION_ID]);
  const approved: Array<Record<string, unknown>> = [register];
  if (promotion && versions) {
    const publishImage = (evaluate ?? train).options.image;
    const dest = join([withSlash(promotion.modelVersionsUri), EXECUTION_ID, '/']);
    approved.push({
      Name: 'PublishModel',
      Type: 'Processing',
      DependsOn: ['RegisterModel'],
      Arguments: {
        AppSpecification: { ImageUri: publishImage, ContainerEntrypoint: ['/bin/sh', '-c', `cp -R ${PROCESSING}/model/. ${PROCESSING}/publish/`] },
        RoleArn: role.arn,
        ProcessingResources: { ClusterConfig: { InstanceType: DEFAULT_CPU_INSTANCE, InstanceCount: 1, VolumeSizeInGB: 100 } },
        StoppingCondition: { MaxRuntimeInSeconds: 3600 },
        ProcessingInputs: [{ InputName: 'model', S3Input: { S3Uri: modelArtifacts, LocalPath: `${PROCESSING}/model`, S3DataType: 'S3Prefix', S3InputMode: 'File' } }],
        ProcessingOutputConfig: { Outputs: [{ OutputName: 'version', S3Output: { S3Uri: dest, LocalPath: `${PROCESSING}/publish`, S3UploadMode: 'EndOfJob' } }] },
      },
    });
    // The marker goes last, in its own step, so that a consumer that sees it sees the whole model.
    approved.push({
      Name: 'MarkApproved',
      Type: 'Processing',
      DependsOn: ['PublishModel'],
      Arguments: {
        AppSpecification: {
          ImageUri: publishImage,
          ContainerEntrypoint: ['/bin/sh', '-c', `printf '{"pipeline":"%s","version":"%s","status":"Approved"}\\n' "$PIPELINE_NAME" "$VERSION" > ${PROCESSING}/marker/_APPROVED.json`],
        },
        RoleArn: role.arn,
        ProcessingResources: { ClusterConfig: { InstanceType: DEFAULT_CPU_INSTANCE, InstanceCount: 1, VolumeSizeInGB: 30 } },
        StoppingCondition: { MaxRuntimeInSeconds: 600 },
        Environment: { PIPELINE_NAME: plan.name, VERSION: EXECUTION_ID },
        ProcessingOutputConfig: { Outputs: [{ OutputName: 'marker', S3Output: { S3Uri: dest, LocalPath: `${PROCESSING}/marker`, S3UploadMode: 'EndOfJob' } }] },
      },
    });
  }
  if (plan.gates.length) {
    steps.push({
      Name: 'Gate',
      Type: 'Condition',
      DependsOn: [registerAfter],
      Arguments: {
        Conditions: plan.gates.map((g) => ({
          Type: g.sagemakerConditionType,
          LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: `Steps.${stepName(evaluate!.name)}.PropertyFiles.Metrics` }, Path: metricJsonPath(g.metricName) } },
          RightValue: g.threshold,
        })),
        IfSteps: approved,
        ElseSteps: [],
      },
    });
  } else {
    steps.push(...approved);
  }
  const definition = { Version: '2020-12-01', Metadata: {}, Parameters: [{ Name: 'Trigger', Type: 'String', DefaultValue: 'manual' }], Steps: steps };
  const pipeline = new SagemakerPipeline(scope, 'Resource', {
    pipelineName: name,
    pipelineDisplayName: name,
    pipelineDescription: `Training pipeline ${plan.name} (cdktf-ai-infra)`,
    roleArn: role.arn,
    pipelineDefinition: JSON.stringify(definition),
    parallelismConfiguration: { maxParallelExecutionSteps: 10 },
  });

  // Triggers. New objects: queued, one run per window (never one per object). Schedules: an
  // EventBridge rule whose role may start this pipeline only.
  const schedules = plan.triggers.filter((t) => t.kind !== 'new-objects');
  for (const t of plan.triggers.filter((x) => x.kind === 'new-objects')) {
    new SageMakerNewDataTrigger(scope, 'OnNewObjects', {
      owner: p,
      name,
      region,
      partition,
      pipeline,
      location: parseS3Uri(t.uri!, path, 'trigger.uri'),
      suffix: t.suffix,
      window: t.batchWindow ?? Duration.hours(1),
      configureNotifications: t.configureNotifications,
    });
  }
  if (schedules.length) {
    const rules: Array<{ rule: CloudwatchEventRule; id: string; kind: string }> = [];
    plan.triggers.forEach((t, i) => {
      if (t.kind === 'new-objects') return;
      const id = `Schedule${i}`;
      if (t.timezone !== 'UTC') {
        throw new ConfigError(path, 'trigger.timezone', t.timezone, '"UTC" on SageMaker: EventBridge rule schedules run in UTC');
      }
      rules.push({
        id,
        kind: t.kind,
        rule: new CloudwatchEventRule(scope, id, {
          name: joinName([name, 'schedule', String(i)], 64),
          description: `Schedule ${t.cron} of ${name}`,
          scheduleExpression: toEventBridgeCron(parseCron(t.cron!, path, 'trigger.schedule'), path, 'trigger.schedule'),
        }),
      });
    });
    const eventsRole = new IamRole(scope, 'TriggerRole', {
      namePrefix: joinName([target.platformName, plan.name, 'start'], 38),
      // Assumed by EventBridge for these rules only.
      assumeRolePolicy: serviceTrustPolicy('events.amazonaws.com', { sourceAccount: account, sourceArns: rules.map((r) => r.rule.arn) }),
    });
    new IamRolePolicy(scope, 'TriggerPolicy', {
      role: eventsRole.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sagemaker:StartPipelineExecution'], Resource: [pipeline.arn] }] }),
    });
    for (const { rule, id, kind } of rules) {
      new CloudwatchEventTarget(scope, `${id}Target`, {
        rule: rule.name,
        arn: pipeline.arn,
        roleArn: eventsRole.arn,
        sagemakerPipelineTarget: { pipelineParameterList: [{ name: 'Trigger', value: kind }] },
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      });
    }
  }
  for (const endpoint of plan.promotionTargets) rolloutOnServingCluster(p, undefined, plan, endpoint);
  return { resource: pipeline, artifactsUri, instanceTypes };
}

/** The repository ARN of an ECR image (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`), or any repository when it is not one. */
function ecrRepositoryArn(image: string, partition: string): string {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*?)(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})?$/.exec(image);
  return m ? `arn:${partitionOf(m[2])}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : `arn:${partition}:ecr:*:*:repository/*`;
}

/** A SageMaker step name (letters, digits, `-`, `_`; at most 64). */
function stepName(stage: string): string {
  return stage.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
}


/** The SageMaker instance type of a stage: given, derived from the pool's accelerator, or a CPU default. */
function instanceTypeOf(s: TrainingStage, path: string): string {
  const field = `stages.${s.name}.sagemakerInstanceType`;
  const given = s.options.sagemakerInstanceType;
  if (given !== undefined) {
    if (!/^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(given)) throw new ConfigError(path, field, given, 'a SageMaker ML instance type such as "ml.p5.48xlarge" or "ml.m5.xlarge"');
    const ec2 = findAwsInstanceType(given.slice(3));
    if (ec2 && s.gpusPerWorker > ec2.acceleratorCount) {
      throw new ConfigError(path, field, given, `an instance type with at least ${s.gpusPerWorker} accelerators per worker (${given} has ${ec2.acceleratorCount})`);
    }
    return given;
  }
  const pool = s.options.pool;
  if (!s.gpusPerWorker) return DEFAULT_CPU_INSTANCE;
  if (!pool) throw new ConfigError(path, field, undefined, `an ML instance type for a stage with ${s.gpusPerWorker} accelerators per worker (e.g. "ml.p4d.24xlarge"), or a pool whose accelerator picks one`);
  const fit = pool.accelerator.instanceTypes('aws').filter((t) => t.acceleratorCount >= s.gpusPerWorker).sort((a, b) => a.acceleratorCount - b.acceleratorCount)[0];
  if (!fit) throw new ConfigError(path, field, undefined, `an ML instance type: no ${pool.accelerator.name} instance type has ${s.gpusPerWorker} accelerators`);
  return `ml.${fit.name}`;
}

