import { App } from 'cdktf';
import { expectConfigError, FakeEndpoint, schemaErrors } from './support';

import { GpuNodePool } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { parseCron, toEventBridgeCron as eventBridgeOf } from '../../lib/core/cron';
import { Duration } from '../../lib/core/duration';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { Checkpointing, Gate, RetrainTrigger, SageMakerTarget, TrainingPipeline, TrainingPipelineProps, TrainingStage } from '../../lib/training';
import { messages } from '../serving/support';
import { EKS_ACCESS } from '../support/eks-access';
import { kubernetesObjects, onlyResource, resourcesOf, SynthesizedStack, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv } from '../support/terraform';

const toEventBridgeCron = (cron: string, path: string) => eventBridgeOf(parseCron(cron, path, 'trigger.schedule'), path, 'trigger.schedule');

const ECR = '111122223333.dkr.ecr.us-east-1.amazonaws.com';
const tfEnv = terraformEnv();
const planTest = skipLoudlyUnlessCi('offline terraform plan of the SageMaker pipeline', tfEnv.missing) ? test.skip : test;

function stages(train: Record<string, unknown> = {}): TrainingStage[] {
  return [
    TrainingStage.preprocess('prep', { image: `${ECR}/prep:1`, command: ['python', 'prep.py'] }),
    TrainingStage.train('train', { image: `${ECR}/train:1`, sagemakerInstanceType: 'ml.p4d.24xlarge', workers: 2, gpusPerWorker: 8, capacity: Capacity.spot(), maxRuntime: Duration.hours(12), ...train }),
    TrainingStage.evaluate('eval', { image: `${ECR}/eval:1` }),
  ];
}

const PROPS: Omit<TrainingPipelineProps, 'stages'> = {
  checkpointing: Checkpointing.s3('s3://acme-ckpt/recs/'),
  triggers: [RetrainTrigger.onNewObjects({ uri: 's3://acme-data/recs/raw/', suffix: '.parquet' }), RetrainTrigger.schedule('0 3 * * 1')],
  gates: [Gate.metric('ndcg@10', '>=', 0.31), Gate.metric('loss', '<', 0.5)],
};

describe('SageMaker realisation: managed spot training, gate, model registry, EventBridge triggers', () => {
  let stack: SynthesizedStack;
  let definition: any;
  let pipeline: TrainingPipeline;
  beforeAll(() => {
    const app = testApp();
    const platform = new AiPlatform(app, 'acme');
    const target = new SageMakerTarget(platform, 'sagemaker', { region: 'us-east-1' });
    const endpoint = new FakeEndpoint(target, 'recs', { kind: 'sagemaker', sagemakerEndpointName: 'recs', modelVersionsUri: 's3://acme-models/recs/' });
    pipeline = new TrainingPipeline(target, 'recs-train', { stages: stages(), ...PROPS, promoteTo: endpoint });
    stack = synthApp(app).stack('acme-aws-us-east-1');
    definition = JSON.parse(onlyResource(stack, 'aws_sagemaker_pipeline').pipeline_definition);
  });

  test('aws_sagemaker_pipeline with its execution role; steps in dependency order', () => {
    const r = onlyResource(stack, 'aws_sagemaker_pipeline');
    expect(r.pipeline_name).toBe('acme-recs-train');
    expect(r.role_arn).toMatch(/aws_iam_role\..*ExecutionRole.*\.arn/);
    expect(definition.Version).toBe('2020-12-01');
    expect(definition.Steps.map((s: any) => [s.Name, s.Type, s.DependsOn])).toEqual([
      ['prep', 'Processing', undefined], ['train', 'Training', ['prep']], ['eval', 'Processing', ['train']], ['Gate', 'Condition', ['eval']],
    ]);
  });

  test('training step: managed spot, checkpoints to S3 per execution, MaxWait ≥ MaxRuntime, workers as instances', () => {
    const a = definition.Steps[1].Arguments;
    expect(a.EnableManagedSpotTraining).toBe(true);
    expect(a.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 43200, MaxWaitTimeInSeconds: 86400 });
    expect(a.CheckpointConfig).toEqual({ S3Uri: { 'Std:Join': { On: '', Values: ['s3://acme-ckpt/recs/', { Get: 'Execution.PipelineExecutionId' }, '/'] } }, LocalPath: '/opt/ml/checkpoints' });
    expect(a.ResourceConfig).toEqual({ InstanceType: 'ml.p4d.24xlarge', InstanceCount: 2, VolumeSizeInGB: 200 });
    expect(a.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({ Get: "Steps.prep.ProcessingOutputConfig.Outputs['output'].S3Output.S3Uri" });
    expect(a.Environment).toMatchObject({ CHECKPOINT_DIR: '/opt/ml/checkpoints', RESUME_FROM_CHECKPOINT: 'latest' });
    expect(definition.Steps[0].Arguments.AppSpecification.ContainerEntrypoint).toEqual(['python', 'prep.py']);
  });

  test('gate: conditions on the evaluation property file; registration (Approved) and publication only when they hold', () => {
    const evaluate = definition.Steps[2];
    expect(evaluate.PropertyFiles).toEqual([{ PropertyFileName: 'Metrics', OutputName: 'evaluation', FilePath: 'metrics.json' }]);
    expect(evaluate.Arguments.ProcessingInputs[1].S3Input.S3Uri).toEqual({ Get: 'Steps.train.ModelArtifacts.S3ModelArtifacts' });
    const gate = definition.Steps[3].Arguments;
    expect(gate.Conditions).toEqual([
      { Type: 'GreaterThanOrEqualTo', LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.eval.PropertyFiles.Metrics' }, Path: "['ndcg@10']" } }, RightValue: 0.31 },
      { Type: 'LessThan', LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.eval.PropertyFiles.Metrics' }, Path: 'loss' } }, RightValue: 0.5 },
    ]);
    expect(gate.IfSteps.map((s: any) => [s.Name, s.Type, s.DependsOn])).toEqual([
      ['RegisterModel', 'RegisterModel', undefined], ['PublishModel', 'Processing', ['RegisterModel']], ['MarkApproved', 'Processing', ['PublishModel']],
    ]);
    expect(gate.ElseSteps).toEqual([]);
    const register = gate.IfSteps[0].Arguments;
    expect(register).toMatchObject({ ModelPackageGroupName: 'acme-recs-train', ModelApprovalStatus: 'Approved' });
    expect(register.InferenceSpecification.Containers[0].ModelDataUrl).toEqual({ Get: 'Steps.train.ModelArtifacts.S3ModelArtifacts' });
    expect(onlyResource(stack, 'aws_sagemaker_model_package_group').model_package_group_name).toBe('acme-recs-train');
    const publish = gate.IfSteps[1].Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri;
    expect(publish).toEqual({ 'Std:Join': { On: '', Values: ['s3://acme-models/recs/', { Get: 'Execution.PipelineExecutionId' }, '/'] } });
  });

  test('new data is batched: object events fill a queue, once per window (1 h by default) a state machine starts one run if the queue holds any; no object event starts the pipeline', () => {
    const rules = Object.values<any>(resourcesOf(stack, 'aws_cloudwatch_event_rule'));
    const targets = Object.values<any>(resourcesOf(stack, 'aws_cloudwatch_event_target'));
    const ruleOf = (t: any) => rules.find((r) => t.rule === `\${aws_cloudwatch_event_rule.${Object.entries<any>(resourcesOf(stack, 'aws_cloudwatch_event_rule')).find(([, x]) => x === r)![0]}.name}`);
    // The class of the defect: no rule on object events targets the pipeline (one run per object).
    const toPipeline = targets.filter((t) => /aws_sagemaker_pipeline\./.test(t.arn));
    expect(toPipeline).toHaveLength(1);
    expect(ruleOf(toPipeline[0]).schedule_expression).toBe('cron(0 3 ? * 2 *)');
    for (const t of targets) if (ruleOf(t).event_pattern) expect(t.arn).toMatch(/^\$\{aws_sqs_queue\./);
    const onNew = rules.find((r) => r.event_pattern);
    expect(JSON.parse(onNew.event_pattern)).toEqual({
      'source': ['aws.s3'],
      'detail-type': ['Object Created'],
      'detail': { bucket: { name: ['acme-data'] }, object: { key: [{ wildcard: 'recs/raw/*.parquet' }] } },
    });
    const window = rules.find((r) => r.name === 'acme-recs-train-new-data-window');
    expect(window.schedule_expression).toBe('rate(60 minutes)');
    const windowTarget = targets.find((t) => ruleOf(t) === window);
    expect(windowTarget.arn).toMatch(/^\$\{aws_sfn_state_machine\..*\.arn\}$/);
    const machine = onlyResource(stack, 'aws_sfn_state_machine');
    const def = JSON.parse(machine.definition);
    expect(def.StartAt).toBe('CountNewObjects');
    expect(def.States.CountNewObjects).toMatchObject({ Resource: 'arn:aws:states:::aws-sdk:sqs:getQueueAttributes', Parameters: { AttributeNames: ['ApproximateNumberOfMessages'] } });
    expect(def.States.AnyNewObjects.Choices).toEqual([{ Variable: '$.queue.count', StringEquals: '0', Next: 'NothingNew' }]);
    expect(def.States.AnyNewObjects.Default).toBe('StartPipeline');
    expect(def.States.StartPipeline).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:sagemaker:startPipelineExecution',
      Parameters: { PipelineName: expect.stringMatching(/aws_sagemaker_pipeline\..*\.pipeline_name/), PipelineParameters: [{ Name: 'Trigger', Value: 'new-objects' }] },
      Next: 'ForgetCountedObjects',
    });
    expect(def.States.ForgetCountedObjects.Resource).toBe('arn:aws:states:::aws-sdk:sqs:purgeQueue');
    expect(machine.logging_configuration).toMatchObject({ level: 'ERROR', include_execution_data: false, log_destination: expect.stringMatching(/aws_cloudwatch_log_group\..*\.arn\}:\*$/) });
    const policies = Object.values<any>(resourcesOf(stack, 'aws_iam_role_policy'));
    const statements = JSON.parse(policies.find((p) => p['//'].metadata.path.endsWith('OnNewObjects/RolePolicy')).policy).Statement;
    expect(statements.slice(0, 2)).toEqual([
      { Sid: 'ReadAndEmptyQueue', Effect: 'Allow', Action: ['sqs:GetQueueAttributes', 'sqs:PurgeQueue'], Resource: [expect.stringMatching(/aws_sqs_queue\..*\.arn/)] },
      { Sid: 'StartPipeline', Effect: 'Allow', Action: ['sagemaker:StartPipelineExecution'], Resource: [expect.stringMatching(/aws_sagemaker_pipeline\..*\.arn/)] },
    ]);
    const trigger = JSON.parse(policies.find((p) => p['//'].metadata.path.endsWith('TriggerPolicy')).policy);
    expect(trigger.Statement).toEqual([{ Effect: 'Allow', Action: ['sagemaker:StartPipelineExecution'], Resource: [expect.stringMatching(/aws_sagemaker_pipeline\..*\.arn/)] }]);
  });

  test('trust policies: each service may assume its role only for this account (and the rules and state machine that use it); ARNs name the account', () => {
    const roles = Object.values<any>(resourcesOf(stack, 'aws_iam_role'));
    const trust = (suffix: string) => JSON.parse(roles.find((r) => r['//'].metadata.path.endsWith(suffix)).assume_role_policy).Statement[0];
    const account = expect.stringMatching(/^\$\{local\.sagemaker_recs-train_Account_[0-9A-F]+\}$/);
    expect(trust('/ExecutionRole')).toMatchObject({ Principal: { Service: ['sagemaker.amazonaws.com'] }, Condition: { StringEquals: { 'aws:SourceAccount': account } } });
    expect(trust('/TriggerRole').Condition).toEqual({ StringEquals: { 'aws:SourceAccount': account }, ArnEquals: { 'aws:SourceArn': expect.stringMatching(/aws_cloudwatch_event_rule\.sagemaker_recs-train_Schedule1_[0-9A-F]+\.arn/) } });
    const windowAccount = expect.stringMatching(/^\$\{local\.sagemaker_recs-train_OnNewObjects_Account_[0-9A-F]+\}$/);
    expect(trust('OnNewObjects/Role').Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': windowAccount }, ArnEquals: { 'aws:SourceArn': expect.stringMatching(/^arn:aws:states:us-east-1:\$\{local\..*\}:stateMachine:acme-recs-train-new-data$/) },
    });
    expect(trust('OnNewObjects/WindowRole').Condition.ArnEquals['aws:SourceArn']).toMatch(/aws_cloudwatch_event_rule\.sagemaker_recs-train_OnNewObjects_Window_[0-9A-F]+\.arn/);
    const exec = JSON.parse(Object.values<any>(resourcesOf(stack, 'aws_iam_role_policy')).find((p) => p['//'].metadata.path.endsWith('ExecutionPolicy')).policy).Statement;
    for (const st of exec) for (const r of st.Resource) expect(r).not.toMatch(/^arn:aws:[a-z-]+:us-east-1:\*:/);
    expect(exec.find((st: any) => st.Sid === 'PullImages').Resource).toEqual(['arn:aws:ecr:us-east-1:111122223333:repository/prep', 'arn:aws:ecr:us-east-1:111122223333:repository/train', 'arn:aws:ecr:us-east-1:111122223333:repository/eval']);
  });

  test('a data bucket the program does not define keeps its owner\'s notification configuration; a warning says to turn on its EventBridge delivery', () => {
    expect(resourcesOf(stack, 'aws_s3_bucket_notification')).toEqual({});
    const events = App.of(pipeline).node.findAll().find((c) => c.node.id === 'BucketEvents-acme-data')!;
    expect(messages(events)).toEqual([expect.stringMatching(/^s3:\/\/acme-data is not defined in this program.* acme\/sagemaker\/recs-train follow it through EventBridge/)]);
  });

  test('buckets: the artifacts bucket is encrypted, versioned and protected from destroy; the execution role only writes run prefixes', () => {
    expect(onlyResource(stack, 'aws_s3_bucket').lifecycle).toEqual({ prevent_destroy: true });
    expect(onlyResource(stack, 'aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
    expect(onlyResource(stack, 'aws_s3_bucket_server_side_encryption_configuration').rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    const policies = Object.values<any>(resourcesOf(stack, 'aws_iam_role_policy'));
    const exec = JSON.parse(policies.find((p) => p['//'].metadata.path.endsWith('ExecutionPolicy')).policy).Statement;
    expect(exec.find((s: any) => s.Sid === 'ReadData')).toEqual({ Sid: 'ReadData', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::acme-data/recs/raw/*'] });
    expect(exec.find((s: any) => s.Sid === 'WriteRunData').Resource).toEqual([expect.stringMatching(/aws_s3_bucket\..*\.arn\}\/\*$/), 'arn:aws:s3:::acme-ckpt/recs/*', 'arn:aws:s3:::acme-models/recs/*']);
    expect(exec.find((s: any) => s.Sid === 'PassItselfToJobs').Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
  });

  test('cost profile: instance types, spot, runs per month unknown (event trigger without expectation)', () => {
    expect(pipeline.costProfile.stages.map((s) => [s.name, s.instanceType, s.capacity, s.workers])).toEqual([
      ['prep', 'ml.m5.xlarge', 'on-demand', 1], ['train', 'ml.p4d.24xlarge', 'spot', 2], ['eval', 'ml.m5.xlarge', 'on-demand', 1],
    ]);
    expect(pipeline.runsPerMonth).toBeUndefined();
  });

  planTest('the AWS stack plans offline', () => {
    const result = planOffline(stack.json, { validate: false });
    if (!result.ok) throw new Error(result.output.slice(-4000));
    expect(result.plannedResources.map((r) => r.type)).toEqual(expect.arrayContaining([
      'aws_sagemaker_pipeline', 'aws_sagemaker_model_package_group', 'aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target', 'aws_sfn_state_machine', 'aws_sqs_queue',
    ]));
  }, 180_000);
});

describe('SageMaker pipeline promoting to a KServe endpoint on an EKS cluster', () => {
  test('publishes to the shared model store; the serving cluster rolls out from it', () => {
    const app = testApp();
    const platform = new AiPlatform(app, 'acme');
    const prod = platform.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS });
    const target = new SageMakerTarget(platform, 'sagemaker', { region: 'us-east-1' });
    const endpoint = new FakeEndpoint(prod, 'recs', { cluster: prod });
    const h100 = new GpuNodePool(prod, 'h100', { accelerator: Accelerator.NVIDIA_H100, instanceTypes: ['p5.48xlarge'], maxNodes: 2 });
    new TrainingPipeline(target, 'recs-train', {
      stages: stages({ sagemakerInstanceType: undefined, pool: h100, capacity: undefined }), ...PROPS, checkpointing: undefined, promoteTo: endpoint,
    });
    const synth = synthApp(app);
    const def = JSON.parse(onlyResource(synth.stack('acme-aws-us-east-1'), 'aws_sagemaker_pipeline').pipeline_definition);
    // Derived from the pool's accelerator: the smallest H100 type with 8 GPUs; on-demand without MaxWait.
    expect(def.Steps[1].Arguments.ResourceConfig.InstanceType).toBe('ml.p5.48xlarge');
    expect(def.Steps[1].Arguments.EnableManagedSpotTraining).toBe(false);
    expect(def.Steps[1].Arguments.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 43200 });
    const sj = kubernetesObjects(synth).filter((o) => o.manifest.kind === 'ScaledJob');
    expect(sj.map((o) => o.stack)).toEqual(['acme-prod-workloads']);
    expect(schemaErrors(synth)).toEqual([]);
  });
});

test('CPU-only training (gpusPerWorker 0): ml.m5.xlarge unless an instance type is named', () => {
  const app = testApp();
  const target = new SageMakerTarget(new AiPlatform(app, 'acme'), 'sagemaker', { region: 'us-east-1' });
  new TrainingPipeline(target, 'cpu', { stages: stages({ gpusPerWorker: 0, sagemakerInstanceType: undefined, workers: 1 }), ...PROPS });
  const definition = JSON.parse(onlyResource(synthApp(app).stack('acme-aws-us-east-1'), 'aws_sagemaker_pipeline').pipeline_definition);
  expect(definition.Steps.find((s: any) => s.Type === 'Training').Arguments.ResourceConfig).toMatchObject({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1 });
});

describe('SageMaker new-data window and bucket ownership', () => {
  test('batchWindow sets the schedule of the check; a data bucket the platform defines gets EventBridge delivery on its one notification', () => {
    const app = testApp();
    const platform = new AiPlatform(app, 'acme');
    const data = platform.addBucket('data', { bucketName: 'acme-data', region: 'us-east-1' });
    const target = new SageMakerTarget(platform, 'sagemaker', { region: 'us-east-1' });
    new TrainingPipeline(target, 'recs-train', {
      stages: stages(),
      ...PROPS,
      triggers: [RetrainTrigger.onNewObjects({ uri: data.uri('recs/raw/'), suffix: '.parquet', batchWindow: Duration.minutes(15) })],
    });
    const stack = synthApp(app).stack('acme-aws-us-east-1');
    expect(Object.values<any>(resourcesOf(stack, 'aws_cloudwatch_event_rule')).find((r) => r.schedule_expression).schedule_expression).toBe('rate(15 minutes)');
    expect(onlyResource(stack, 'aws_s3_bucket_notification')).toMatchObject({ bucket: 'acme-data', eventbridge: true });
  });

  test('opting in owns the notification configuration of a bucket defined elsewhere', () => {
    const app = testApp();
    const target = new SageMakerTarget(new AiPlatform(app, 'acme'), 'sagemaker', { region: 'us-east-1' });
    new TrainingPipeline(target, 'recs-train', { stages: stages(), ...PROPS, triggers: [RetrainTrigger.onNewObjects({ uri: 's3://acme-data/recs/raw/', configureNotifications: true })] });
    expect(onlyResource(synthApp(app).stack('acme-aws-us-east-1'), 'aws_s3_bucket_notification')).toMatchObject({ bucket: 'acme-data', eventbridge: true });
  });

  test('throws when the window is not whole minutes, or the data bucket of the platform is in another region', () => {
    expectConfigError(() => RetrainTrigger.onNewObjects({ uri: 's3://acme-data/x/', batchWindow: Duration.seconds(90) }), { field: 'trigger.batchWindow' });
    expectConfigError(() => RetrainTrigger.onNewObjects({ uri: 's3://acme-data/x/', batchWindow: Duration.seconds(30) }), { field: 'trigger.batchWindow' });
    const platform = new AiPlatform(testApp(), 'acme');
    const data = platform.addBucket('data', { bucketName: 'acme-data', region: 'eu-west-1' });
    const target = new SageMakerTarget(platform, 'sagemaker', { region: 'us-east-1' });
    expectConfigError(() => new TrainingPipeline(target, 'recs-train', { stages: stages(), ...PROPS, triggers: [RetrainTrigger.onNewObjects({ uri: data.uri('recs/') })] }),
      { field: 'bucket', received: 's3://acme-data', message: /is in eu-west-1.*never fire/ });
  });
});

describe('SageMaker registry status without gates', () => {
  function steps(promote: boolean): any[] {
    const app = testApp();
    const platform = new AiPlatform(app, 'acme');
    const target = new SageMakerTarget(platform, 'sagemaker', { region: 'us-east-1' });
    const endpoint = promote ? new FakeEndpoint(target, 'recs', { kind: 'sagemaker', sagemakerEndpointName: 'recs', modelVersionsUri: 's3://acme-models/recs/' }) : undefined;
    new TrainingPipeline(target, 'recs-train', { stages: stages(), ...PROPS, gates: [], promoteTo: endpoint });
    return JSON.parse(onlyResource(synthApp(app).stack('acme-aws-us-east-1'), 'aws_sagemaker_pipeline').pipeline_definition).Steps;
  }

  test('no promotion: every run is registered PendingManualApproval and nothing is published', () => {
    const all = steps(false);
    expect(all.find((x) => x.Name === 'RegisterModel').Arguments.ModelApprovalStatus).toBe('PendingManualApproval');
    expect(all.map((x) => x.Name)).not.toContain('PublishModel');
  });

  test('a promotion without gates publishes every run, so the registry says Approved (never "pending" for a version that serves)', () => {
    const all = steps(true);
    expect(all.find((x) => x.Name === 'RegisterModel').Arguments.ModelApprovalStatus).toBe('Approved');
    expect(all.map((x) => x.Name)).toEqual(expect.arrayContaining(['PublishModel', 'MarkApproved']));
  });
});

describe('SageMaker validation', () => {
  const target = () => new SageMakerTarget(new AiPlatform(testApp(), 'acme'), 'sagemaker', { region: 'us-east-1' });

  test('throws when spot training has no checkpointing, or maxWait < maxRuntime', () => {
    expectConfigError(() => new TrainingPipeline(target(), 'a', { stages: stages(), ...PROPS, checkpointing: undefined }), { path: 'acme/sagemaker/a', field: 'checkpointing' });
    expectConfigError(() => new TrainingPipeline(target(), 'b', { stages: stages({ maxWait: Duration.hours(6) }), ...PROPS }), { field: 'stages[1].maxWait', received: '6 hours' });
  });

  test('throws when checkpoints go to a claim, a schedule has a time zone, or the instance type is too small', () => {
    expectConfigError(() => new TrainingPipeline(target(), 'a', { stages: stages(), ...PROPS, checkpointing: Checkpointing.pvc('ckpt') }), { field: 'checkpointing', received: 'pvc' });
    expectConfigError(() => new TrainingPipeline(target(), 'b', { stages: stages(), ...PROPS, dataUri: 's3://acme-data/recs/', triggers: [RetrainTrigger.schedule('@daily', { timezone: 'Europe/Berlin' })] }), { field: 'trigger.timezone' });
    expectConfigError(() => new TrainingPipeline(target(), 'c', { stages: stages({ sagemakerInstanceType: 'ml.g5.xlarge' }), ...PROPS }), { field: 'stages.train.sagemakerInstanceType', received: 'ml.g5.xlarge' });
    expectConfigError(() => new TrainingPipeline(target(), 'd', { stages: stages({ sagemakerInstanceType: 'p4d.24xlarge' }), ...PROPS }), { field: 'stages.train.sagemakerInstanceType' });
    expectConfigError(() => new TrainingPipeline(target(), 'e', { stages: stages({ sagemakerInstanceType: undefined }), ...PROPS }), { field: 'stages.train.sagemakerInstanceType', message: /pool/ });
    expectConfigError(() => new SageMakerTarget(new AiPlatform(testApp(), 'x'), 'sm', { region: 'virginia' }), { field: 'region' });
  });

  test('EventBridge cron: ? for the unused day field, days of week from 1 = Sunday; both day fields rejected', () => {
    expect(toEventBridgeCron('0 3 * * 1', 'p')).toBe('cron(0 3 ? * 2 *)');
    expect(toEventBridgeCron('@daily', 'p')).toBe('cron(0 0 * * ? *)');
    expect(toEventBridgeCron('*/15 * 1 * *', 'p')).toBe('cron(0/15 * 1 * ? *)');
    expect(toEventBridgeCron('0 6 * * MON-FRI', 'p')).toBe('cron(0 6 ? * MON-FRI *)');
    expect(toEventBridgeCron('0 6 * * 0,6', 'p')).toBe('cron(0 6 ? * 1,7 *)');
    expectConfigError(() => toEventBridgeCron('0 0 1 * MON', 'p'), { field: 'trigger.schedule', message: /not both/ });
  });
});
