/**
 * Promotion to SageMaker endpoints: the EventBridge rule on new approved versions, the Step
 * Functions rollout (CreateModel, CreateEndpointConfig, UpdateEndpoint) and its IAM, the endpoint
 * Terraform no longer switches back, and an offline plan of the stack.
 */
import { App } from 'cdktf';
import { CANARY_WAIT_SECONDS } from '../../lib/aws/sagemaker-rollout';
import { GpuNodePool } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { Duration } from '../../lib/core/duration';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { ExistingWorkloadIdentity } from '../../lib/platform/existing-cluster';
import { ModelSource, ServerlessInferenceEndpoint, ServingRuntime, ServingTarget } from '../../lib/serving';
import { Checkpointing, Gate, RetrainTrigger, SageMakerTarget, TrainingPipeline, TrainingPipelineProps, TrainingStage } from '../../lib/training';
import { messages } from '../serving/support';
import { resourcesOf, SynthesizedStack, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv } from '../support/terraform';
import { FakeEndpoint } from '../training/support';

const tfEnv = terraformEnv();
const planTest = skipLoudlyUnlessCi('offline terraform plan of the SageMaker rollout', tfEnv.missing) ? test.skip : test;

const ECR = '111122223333.dkr.ecr.us-east-1.amazonaws.com';
const TGI_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04';
const ROLLOUT = 'acme-aws-us-east-1/summarize/Rollout';

/** Props of a SageMaker pipeline (spot training with S3 checkpoints) promoting to `promoteTo`. */
function sagemakerPipeline(promoteTo: TrainingPipelineProps['promoteTo'], schedule = '@daily'): TrainingPipelineProps {
  return { stages: sagemakerStages(), dataUri: 's3://acme-data/summarize/', checkpointing: Checkpointing.s3('s3://acme-ckpt/summarize/'), triggers: [RetrainTrigger.schedule(schedule)], gates: [Gate.metric('rougeL', '>=', 0.4)], promoteTo };
}

function sagemakerStages(): TrainingStage[] {
  return [
    TrainingStage.train('train', { image: `${ECR}/train:1`, sagemakerInstanceType: 'ml.g5.12xlarge', gpusPerWorker: 4, capacity: Capacity.spot(), maxRuntime: Duration.hours(10) }),
    TrainingStage.evaluate('eval', { image: `${ECR}/eval:1` }),
  ];
}

function summarizeEndpoint(platform: AiPlatform, canaryPercent: number | undefined, instanceType = 'ml.g5.2xlarge', runtime = ServingRuntime.TGI): ServerlessInferenceEndpoint {
  return new ServerlessInferenceEndpoint(platform, 'summarize', {
    model: ModelSource.s3('s3://acme-models/summarize/v7/', { sizeGiB: 16 }),
    ...(canaryPercent !== undefined ? { previousModel: ModelSource.s3('s3://acme-models/summarize/v6/', { sizeGiB: 16 }), canaryPercent } : {}),
    modelVersionsUri: 's3://acme-models/summarize/versions/',
    runtime,
    minReplicas: 0,
    maxReplicas: 4,
    target: ServingTarget.sagemakerAsync({ image: TGI_IMAGE, region: 'us-east-1', instanceType, notifications: true, maxConcurrentInvocationsPerInstance: 4, environment: { HF_MODEL_ID: '/opt/ml/model' } }),
  });
}

function byPath(stack: SynthesizedStack, type: string, path: string): any {
  const found = Object.values<any>(resourcesOf(stack, type)).filter((r) => r['//'].metadata.path === path);
  if (found.length !== 1) throw new Error(`expected one ${type} at ${path}, found ${found.length}`);
  return found[0];
}

function definitionOf(stack: SynthesizedStack): any {
  const machines = Object.values<any>(resourcesOf(stack, 'aws_sfn_state_machine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  return JSON.parse(machines[0].definition);
}

/** Every state a Next, Default or Choice points to exists, every state is reachable, and the machine can end. */
function structuralErrors(def: any): string[] {
  const errors: string[] = [];
  const names = new Set(Object.keys(def.States));
  if (!names.has(def.StartAt)) errors.push(`StartAt ${def.StartAt} is not a state`);
  const targets = (s: any): string[] => [s.Next, s.Default, ...(s.Choices ?? []).map((c: any) => c.Next)].filter((t) => t !== undefined);
  for (const [name, s] of Object.entries<any>(def.States)) {
    for (const t of targets(s)) if (!names.has(t)) errors.push(`${name} → ${t}: no such state`);
    const terminal = s.Type === 'Succeed' || s.Type === 'Fail' || s.End === true;
    if (!terminal && s.Type !== 'Choice' && s.Next === undefined) errors.push(`${name} neither ends nor has Next`);
  }
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n) || !names.has(n)) return;
    seen.add(n);
    targets(def.States[n]).forEach(visit);
  };
  visit(def.StartAt);
  for (const n of names) if (!seen.has(n)) errors.push(`${n} is unreachable`);
  return errors;
}

/** Every statement of every IAM role policy of the rollout. */
function rolloutStatements(stack: SynthesizedStack, policy: string, rollout = ROLLOUT): any[] {
  return JSON.parse(byPath(stack, 'aws_iam_role_policy', `${rollout}/${policy}`).policy).Statement;
}

function expectLeastPrivilege(statements: any[]): void {
  // Log delivery actions take no resource ARN (Step Functions developer guide, CloudWatch Logs).
  for (const s of statements.filter((x) => x.Sid !== 'DeliverLogs')) {
    expect(s.Effect).toBe('Allow');
    for (const a of s.Action) expect(a).not.toContain('*');
    for (const r of s.Resource) expect(r).not.toBe('*');
  }
}

describe('an asynchronous endpoint with a canary, promoted to by two SageMaker pipelines', () => {
  let aws: SynthesizedStack;
  let def: any;
  let first: TrainingPipeline;
  let second: TrainingPipeline;
  beforeAll(() => {
    const platform = new AiPlatform(testApp(), 'acme');
    const endpoint = summarizeEndpoint(platform, 20);
    const sagemaker = new SageMakerTarget(platform, 'sagemaker', { region: 'us-east-1' });
    first = new TrainingPipeline(sagemaker, 'finetune', sagemakerPipeline(endpoint, '0 4 1 * *'));
    second = new TrainingPipeline(sagemaker, 'distill', sagemakerPipeline(endpoint, '0 4 15 * *'));
    aws = synthApp(App.of(platform)).stack('acme-aws-us-east-1');
    def = definitionOf(aws);
  });

  test('created once for the endpoint, whichever pipelines promote to it; each pipeline says what a promotion does', () => {
    expect(Object.keys(resourcesOf(aws, 'aws_sfn_state_machine'))).toHaveLength(1);
    expect(byPath(aws, 'aws_sfn_state_machine', `${ROLLOUT}/StateMachine`)).toMatchObject({ name: 'acme-summarize-rollout', type: 'STANDARD' });
    expect(Object.keys(resourcesOf(aws, 'aws_cloudwatch_event_rule')).filter((k) => k.includes('Rollout'))).toHaveLength(1);
    for (const p of [first, second]) {
      expect(messages(p, 'info')).toEqual(expect.arrayContaining([
        expect.stringMatching(/approved versions are published under s3:\/\/acme-models\/summarize\/versions\/<run>\/ .*Step Functions rollout of SageMaker endpoint acme-summarize: .*blue\/green canary \(20 % of capacity for 10 min, then all traffic\)$/),
      ]));
    }
  });

  test('trigger: the versions bucket (not defined here: its notification configuration is its owner\'s) reaches EventBridge; the rule matches new markers under the prefix', () => {
    expect(resourcesOf(aws, 'aws_s3_bucket_notification')).toEqual({});
    const events = App.of(first).node.findAll().find((c) => c.node.id === 'BucketEvents-acme-models')!;
    expect(messages(events)).toEqual([expect.stringMatching(/^s3:\/\/acme-models is not defined in this program.*acme-aws-us-east-1\/summarize\/Rollout follow it through EventBridge/)]);
    const rule = byPath(aws, 'aws_cloudwatch_event_rule', `${ROLLOUT}/Rule`);
    expect(JSON.parse(rule.event_pattern)).toEqual({
      'source': ['aws.s3'],
      'detail-type': ['Object Created'],
      'detail': { bucket: { name: ['acme-models'] }, object: { key: [{ wildcard: 'summarize/versions/*/_APPROVED.json' }] } },
    });
    const target = byPath(aws, 'aws_cloudwatch_event_target', `${ROLLOUT}/RuleTarget`);
    expect(target.arn).toMatch(/^\$\{aws_sfn_state_machine\..*\.arn\}$/);
    expect(target.role_arn).toMatch(/aws_iam_role\..*Rollout_EventsRole.*\.arn/);
    expect(target.dead_letter_config.arn).toMatch(/aws_sqs_queue\./);
    expect(byPath(aws, 'aws_sqs_queue', `${ROLLOUT}/EventsDeadLetterQueue`).sqs_managed_sse_enabled).toBe(true);
    const dlqPolicy = JSON.parse(byPath(aws, 'aws_sqs_queue_policy', `${ROLLOUT}/EventsDeadLetterQueuePolicy`).policy).Statement;
    expect(dlqPolicy.map((x: any) => [x.Sid, x.Effect])).toEqual([['DenyInsecureTransport', 'Deny'], ['AllowRuleDeadLetters', 'Allow']]);
  });

  test('the state machine logs its errors to a log group with a retention', () => {
    const machine = byPath(aws, 'aws_sfn_state_machine', `${ROLLOUT}/StateMachine`);
    const logs = byPath(aws, 'aws_cloudwatch_log_group', `${ROLLOUT}/Logs`);
    expect(logs).toMatchObject({ name: '/aws/vendedlogs/states/acme-summarize-rollout', retention_in_days: 90 });
    expect(machine.logging_configuration).toEqual({ level: 'ERROR', include_execution_data: false, log_destination: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.summarize_Rollout_Logs_[0-9A-F]+\.arn\}:\*$/) });
    expect(rolloutStatements(aws, 'RolePolicy').find((x) => x.Sid === 'DeliverLogs').Action).toContain('logs:CreateLogDelivery');
  });

  test('the definition is a connected STANDARD workflow: parse the key, pick the model data, three SDK calls and the wait for the endpoint', () => {
    expect(structuralErrors(def)).toEqual([]);
    expect(def.StartAt).toBe('ParseKey');
    const tasks = Object.entries<any>(def.States).filter(([, s]) => s.Type === 'Task').map(([n, s]) => [n, s.Resource]);
    expect(tasks).toEqual([
      ['FindArchive', 'arn:aws:states:::aws-sdk:s3:listObjectsV2'],
      ['CreateModel', 'arn:aws:states:::aws-sdk:sagemaker:createModel'],
      ['CreateEndpointConfig', 'arn:aws:states:::aws-sdk:sagemaker:createEndpointConfig'],
      ['CheckEndpoint', 'arn:aws:states:::aws-sdk:sagemaker:describeEndpoint'],
      ['UpdateEndpoint', 'arn:aws:states:::aws-sdk:sagemaker:updateEndpoint'],
      ['CheckRollout', 'arn:aws:states:::aws-sdk:sagemaker:describeEndpoint'],
    ]);
    // The run is the segment after summarize/versions/; deeper markers are no version.
    expect(def.States.ParseKey.Parameters).toEqual({
      'key.$': '$.detail.object.key',
      'segments.$': "States.ArrayLength(States.StringSplit($.detail.object.key, '/'))",
      'run.$': "States.ArrayGetItem(States.StringSplit($.detail.object.key, '/'), 2)",
      'name.$': "States.Format('acme-summarize-r-{}', States.Hash($$.Execution.Name, 'MD5'))",
    });
    expect(def.States.IsVersionMarker.Choices).toEqual([{ Variable: '$.segments', NumericEquals: 4, Next: 'FindArchive' }]);
    // Names: prefix + 32 hex digits of MD5 within SageMaker's 63 characters.
    expect('acme-summarize-r-'.length + 32).toBeLessThanOrEqual(63);
  });

  test('CreateModel: the endpoint image, environment and execution role; the version archive or its uncompressed files', () => {
    expect(def.States.FindArchive.Parameters).toEqual({ 'Bucket': 'acme-models', 'Prefix.$': "States.Format('summarize/versions/{}/model.tar.gz', $.run)", 'MaxKeys': 1 });
    expect(def.States.IsArchive.Choices).toEqual([{ Variable: '$.archive.count', NumericGreaterThan: 0, Next: 'ArchiveModelData' }]);
    const common = { Image: TGI_IMAGE, Mode: 'SingleModel', Environment: { HF_MODEL_ID: '/opt/ml/model' } };
    expect(def.States.ArchiveModelData.Parameters).toEqual({ ...common, 'ModelDataUrl.$': "States.Format('s3://acme-models/summarize/versions/{}/model.tar.gz', $.run)" });
    expect(def.States.PrefixModelData.Parameters).toEqual({
      ...common,
      ModelDataSource: { S3DataSource: { 'S3Uri.$': "States.Format('s3://acme-models/summarize/versions/{}/', $.run)", 'S3DataType': 'S3Prefix', 'CompressionType': 'None' } },
    });
    expect(def.States.CreateModel.Parameters).toEqual({
      'ModelName.$': '$.name',
      'ExecutionRoleArn': expect.stringMatching(/^\$\{aws_iam_role\.summarize_ExecutionRole_[0-9A-F]+\.arn\}$/),
      'EnableNetworkIsolation': true,
      'PrimaryContainer.$': '$.container',
    });
  });

  test('CreateEndpointConfig: the variants (canary and stable) and asynchronous settings of the Terraform configuration, serving the new model', () => {
    const p = def.States.CreateEndpointConfig.Parameters;
    expect(p['EndpointConfigName.$']).toBe('$.name');
    expect(p.ProductionVariants.map((v: any) => [v.VariantName, v['ModelName.$'], v.InstanceType, v.InitialVariantWeight])).toEqual([
      ['canary', '$.name', 'ml.g5.2xlarge', 20], ['stable', '$.name', 'ml.g5.2xlarge', 80],
    ]);
    expect(p.ProductionVariants[0]).toMatchObject({
      InitialInstanceCount: 1, ContainerStartupHealthCheckTimeoutInSeconds: 600, ModelDataDownloadTimeoutInSeconds: 600,
    });
    // ml.g5 has local NVMe storage: no volume key (CreateEndpointConfig fails with one), the results keep theirs.
    expect(p).not.toHaveProperty('KmsKeyId');
    expect(p.AsyncInferenceConfig.ClientConfig).toEqual({ MaxConcurrentInvocationsPerInstance: 4 });
    expect(p.AsyncInferenceConfig.OutputConfig).toEqual({
      S3OutputPath: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.summarize_Output_.*\.bucket\}\/results\/$/),
      S3FailurePath: expect.stringMatching(/\/results\/failures\/$/),
      KmsKeyId: expect.stringMatching(/^\$\{aws_kms_key\.summarize_Key_[0-9A-F]+\.arn\}$/),
      NotificationConfig: { SuccessTopic: expect.stringMatching(/aws_sns_topic\.summarize_SuccessTopic/), ErrorTopic: expect.stringMatching(/aws_sns_topic\.summarize_ErrorTopic/), IncludeInferenceResponseIn: ['SUCCESS_NOTIFICATION_TOPIC'] },
    });
  });

  test('UpdateEndpoint: a blue/green canary of 20 % of capacity, instance counts kept (scaled to zero), once the endpoint is in service', () => {
    expect(def.States.ReadyToUpdate.Choices[0]).toEqual({ Variable: '$.endpoint.status', StringEquals: 'InService', Next: 'UpdateEndpoint' });
    expect(def.States.UpdateEndpoint.Parameters).toEqual({
      'EndpointName': 'acme-summarize',
      'EndpointConfigName.$': '$.name',
      'RetainAllVariantProperties': true,
      'DeploymentConfig': {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 20 }, WaitIntervalInSeconds: CANARY_WAIT_SECONDS },
        },
      },
    });
    expect(CANARY_WAIT_SECONDS).toBeGreaterThanOrEqual(0);
    expect(CANARY_WAIT_SECONDS).toBeLessThanOrEqual(3600);
    // Done when in service on the new configuration; a rollback fails the execution.
    expect(def.States.RolloutDone.Choices[0]).toEqual({
      And: [{ Variable: '$.endpoint.status', StringEquals: 'InService' }, { Variable: '$.endpoint.config', StringEqualsPath: '$.name' }], Next: 'Rolled',
    });
    expect(def.States.RolloutDone.Choices[1].Next).toBe('NotServed');
    expect(def.States.NotServed.Type).toBe('Fail');
  });

  test('least privilege: rollout names only, this endpoint only, the execution role passed to SageMaker only, StartExecution on this machine only', () => {
    const statements = rolloutStatements(aws, 'RolePolicy');
    expectLeastPrivilege(statements);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    // The account is the deploying one (a local from the endpoint's ARN), never `*`.
    const account = '${local.summarize_Rollout_Account_CB5CFCEF}';
    expect(aws.json.locals).toMatchObject({ summarize_Rollout_Account_CB5CFCEF: expect.stringMatching(/^\$\{element\(split\(":", aws_sagemaker_endpoint\.summarize_[0-9A-F]+\.arn\), 4\)\}$/) });
    expect(bySid.CreateModel).toMatchObject({ Action: ['sagemaker:CreateModel'], Resource: [`arn:aws:sagemaker:us-east-1:${account}:model/acme-summarize-r-*`] });
    expect(bySid.CreateEndpointConfig).toMatchObject({ Action: ['sagemaker:CreateEndpointConfig'], Resource: [`arn:aws:sagemaker:us-east-1:${account}:endpoint-config/acme-summarize-r-*`] });
    expect(bySid.DescribeEndpoint).toMatchObject({ Action: ['sagemaker:DescribeEndpoint'], Resource: [expect.stringMatching(/^\$\{aws_sagemaker_endpoint\.summarize_[0-9A-F]+\.arn\}$/)] });
    expect(bySid.UpdateEndpoint.Action).toEqual(['sagemaker:UpdateEndpoint']);
    expect(bySid.UpdateEndpoint.Resource).toEqual([bySid.DescribeEndpoint.Resource[0], bySid.CreateEndpointConfig.Resource[0]]);
    expect(bySid.PassExecutionRole).toEqual({
      Sid: 'PassExecutionRole',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [expect.stringMatching(/aws_iam_role\.summarize_ExecutionRole_.*\.arn/)],
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    expect(bySid.FindArchive).toMatchObject({ Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::acme-models'], Condition: { StringLike: { 's3:prefix': ['summarize/versions/*'] } } });
    expect(bySid.GrantKeyToSageMaker).toMatchObject({ Action: ['kms:CreateGrant'], Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
    expect(Object.keys(bySid).sort()).toEqual(['CreateEndpointConfig', 'CreateModel', 'DeliverLogs', 'DescribeEndpoint', 'DescribeKey', 'FindArchive', 'GrantKeyToSageMaker', 'PassExecutionRole', 'UpdateEndpoint']);
    const start = rolloutStatements(aws, 'EventsRolePolicy');
    expectLeastPrivilege(start);
    expect(start).toEqual([{ Effect: 'Allow', Action: ['states:StartExecution'], Resource: [expect.stringMatching(/^\$\{aws_sfn_state_machine\..*\.arn\}$/)] }]);
    // Confused-deputy protection: Step Functions for this state machine, EventBridge for this rule, in this account.
    expect(JSON.parse(byPath(aws, 'aws_iam_role', `${ROLLOUT}/Role`).assume_role_policy).Statement).toEqual([{
      Effect: 'Allow',
      Principal: { Service: ['states.amazonaws.com'] },
      Action: ['sts:AssumeRole'],
      Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnEquals: { 'aws:SourceArn': `arn:aws:states:us-east-1:${account}:stateMachine:acme-summarize-rollout` } },
    }]);
    expect(JSON.parse(byPath(aws, 'aws_iam_role', `${ROLLOUT}/EventsRole`).assume_role_policy).Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': account }, ArnEquals: { 'aws:SourceArn': expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.summarize_Rollout_Rule_[0-9A-F]+\.arn\}$/) },
    });
  });

  test('Terraform does not switch the endpoint back: endpoint_config_name is ignored', () => {
    expect(byPath(aws, 'aws_sagemaker_endpoint', 'acme-aws-us-east-1/summarize/Resource').lifecycle).toEqual({ ignore_changes: ['endpoint_config_name'] });
  });

  planTest('the AWS stack plans offline with the rollout', () => {
    const result = planOffline(aws.json, { validate: false });
    if (!result.ok) throw new Error(`terraform ${result.failedStep} failed:\n${result.output.slice(-6000)}`);
    const types = result.plannedResources.map((r) => r.type);
    for (const t of ['aws_sfn_state_machine', 'aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target', 'aws_cloudwatch_log_group', 'aws_sagemaker_endpoint']) expect(types).toContain(t);
  }, 180_000);
});

describe('a serverless endpoint promoted to by a Kubernetes pipeline on an existing cluster', () => {
  let aws: SynthesizedStack;
  let def: any;
  let pipeline: TrainingPipeline;
  beforeAll(() => {
    const platform = new AiPlatform(testApp(), 'acme');
    const lab = platform.addExistingCluster('lab', { awsRegion: 'eu-west-1', workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-training') });
    const a100 = GpuNodePool.fromExistingNodes(lab, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { 'acme.example/gpu': 'a100' }, gpus: 8 });
    const iris = new ServerlessInferenceEndpoint(lab, 'iris', {
      model: ModelSource.s3('s3://acme-models/iris/v3/model.tar.gz'),
      modelVersionsUri: 's3://acme-models/iris',
      runtime: ServingRuntime.SKLEARN,
      target: ServingTarget.sagemakerServerless({ image: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', memorySizeMiB: 3072, maxConcurrency: 10 }),
    });
    pipeline = new TrainingPipeline(lab, 'iris-train', {
      stages: [
        TrainingStage.train('train', { image: 'ghcr.io/acme/train:1.0', pool: a100 as GpuNodePool, gpusPerWorker: 1 }),
        TrainingStage.evaluate('eval', { image: 'ghcr.io/acme/eval:1.0' }),
      ],
      dataUri: 's3://acme-data/iris/',
      artifactsUri: 's3://acme-artifacts/iris/',
      triggers: [RetrainTrigger.schedule('@daily')],
      gates: [Gate.metric('accuracy', '>=', 0.9)],
      promoteTo: iris,
    });
    aws = synthApp(App.of(platform)).stack('acme-aws-eu-west-1');
    def = definitionOf(aws);
  });

  test('in the endpoint\'s AWS stack; a version prefix without a trailing slash still means <prefix>/<run>/', () => {
    const rule = byPath(aws, 'aws_cloudwatch_event_rule', 'acme-aws-eu-west-1/lab/iris/Rollout/Rule');
    expect(JSON.parse(rule.event_pattern).detail.object.key).toEqual([{ wildcard: 'iris/*/_APPROVED.json' }]);
    expect(def.States.ParseKey.Parameters['run.$']).toBe("States.ArrayGetItem(States.StringSplit($.detail.object.key, '/'), 1)");
    expect(def.States.IsVersionMarker.Choices[0].NumericEquals).toBe(3);
    expect(structuralErrors(def)).toEqual([]);
    expect(messages(pipeline, 'info')).toEqual(expect.arrayContaining([expect.stringMatching(/SageMaker endpoint acme-iris: .*UpdateEndpoint \(blue\/green, all at once\)$/)]));
  });

  test('serverless: the variant\'s memory and concurrency, no isolation, no canary, no kept instance counts, no key', () => {
    expect(def.States.CreateEndpointConfig.Parameters).toEqual({
      'EndpointConfigName.$': '$.name',
      'ProductionVariants': [{ 'VariantName': 'AllTraffic', 'ModelName.$': '$.name', 'ServerlessConfig': { MemorySizeInMB: 3072, MaxConcurrency: 10 } }],
    });
    expect(def.States.CreateModel.Parameters.EnableNetworkIsolation).toBe(false);
    expect(def.States.ArchiveModelData.Parameters).toEqual({ 'Image': expect.stringContaining('sagemaker-scikit-learn'), 'Mode': 'SingleModel', 'ModelDataUrl.$': "States.Format('s3://acme-models/iris/{}/model.tar.gz', $.run)" });
    expect(def.States.UpdateEndpoint.Parameters).toEqual({ 'EndpointName': 'acme-iris', 'EndpointConfigName.$': '$.name' });
    const statements = rolloutStatements(aws, 'RolePolicy', 'acme-aws-eu-west-1/lab/iris/Rollout').map((s) => s.Sid);
    expect(statements).not.toContain('GrantKeyToSageMaker');
    expect(def.States.FindArchive.Resource).toBe('arn:aws:states:::aws-sdk:s3:listObjectsV2');
  });

  planTest('the platform\'s AWS stack plans offline with the rollout', () => {
    const result = planOffline(aws.json, { validate: false });
    if (!result.ok) throw new Error(`terraform ${result.failedStep} failed:\n${result.output.slice(-6000)}`);
    expect(result.plannedResources.map((r) => r.type)).toEqual(expect.arrayContaining(['aws_sfn_state_machine', 'aws_cloudwatch_event_rule']));
  }, 180_000);
});

describe('canary limits and endpoints the library did not realise', () => {
  test('a canary above 50 % shifts 50 % first (SageMaker\'s limit), with a warning', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const endpoint = summarizeEndpoint(platform, 80);
    new TrainingPipeline(new SageMakerTarget(platform, 'sagemaker', { region: 'us-east-1' }), 'finetune', sagemakerPipeline(endpoint));
    const aws = synthApp(App.of(platform)).stack('acme-aws-us-east-1');
    expect(definitionOf(aws).States.UpdateEndpoint.Parameters.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.CanarySize).toEqual({ Type: 'CAPACITY_PERCENT', Value: 50 });
    const rollout = App.of(platform).node.findAll().find((c) => c.node.path === ROLLOUT)!;
    expect(messages(rollout)).toEqual([expect.stringMatching(/^canaryPercent 80: a SageMaker canary is at most 50 % of capacity, so promotions shift 50 % first$/)]);
  });

  test('Inf1 instances are excluded from deployment guardrails: all at once, with a warning', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const endpoint = summarizeEndpoint(platform, 20, 'ml.inf1.xlarge', ServingRuntime.custom(`${ECR}/neuron-server:1.0`));
    new TrainingPipeline(new SageMakerTarget(platform, 'sagemaker', { region: 'us-east-1' }), 'finetune', sagemakerPipeline(endpoint));
    const aws = synthApp(App.of(platform)).stack('acme-aws-us-east-1');
    expect(definitionOf(aws).States.UpdateEndpoint.Parameters.DeploymentConfig).toBeUndefined();
    // Inf1 has EBS volumes only: the rollout's configuration keeps the volume key, as Terraform's does.
    const create = definitionOf(aws).States.CreateEndpointConfig.Parameters;
    expect(create.KmsKeyId).toMatch(/^\$\{aws_kms_key\.summarize_Key_[0-9A-F]+\.arn\}$/);
    expect(create.AsyncInferenceConfig.OutputConfig.KmsKeyId).toBe(create.KmsKeyId);
    expect(byPath(aws, 'aws_sagemaker_endpoint_configuration', 'acme-aws-us-east-1/summarize/Config').kms_key_arn).toBe(create.KmsKeyId);
    const rollout = App.of(platform).node.findAll().find((c) => c.node.path === ROLLOUT)!;
    expect(messages(rollout)).toEqual([expect.stringMatching(/^canaryPercent 20: SageMaker's deployment guardrails exclude Inf1 instances \(ml\.inf1\.xlarge\)/)]);
  });

  test('an endpoint without the rollout hook gets no state machine, and the pipeline says nothing updates it', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const sagemaker = new SageMakerTarget(platform, 'sagemaker', { region: 'us-east-1' });
    const endpoint = new FakeEndpoint(sagemaker, 'recs', { kind: 'sagemaker', sagemakerEndpointName: 'recs', modelVersionsUri: 's3://acme-models/recs/' });
    const p = new TrainingPipeline(sagemaker, 'recs-train', sagemakerPipeline(endpoint));
    const aws = synthApp(App.of(platform)).stack('acme-aws-us-east-1');
    expect(resourcesOf(aws, 'aws_sfn_state_machine')).toEqual({});
    expect(messages(p, 'info')).toEqual(expect.arrayContaining([expect.stringMatching(/nothing here updates SageMaker endpoint recs: its own rollout must read the versions from there$/)]));
  });

  test('an endpoint nobody promotes to keeps Terraform in charge of its configuration', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    summarizeEndpoint(platform, undefined);
    const aws = synthApp(App.of(platform)).stack('acme-aws-us-east-1');
    expect(resourcesOf(aws, 'aws_sfn_state_machine')).toEqual({});
    expect(byPath(aws, 'aws_sagemaker_endpoint', 'acme-aws-us-east-1/summarize/Resource').lifecycle).toBeUndefined();
  });
});
