/**
 * examples/sagemaker-native, synthesized once by its own app command: the AWS-managed path, one
 * AWS stack with a serverless and an asynchronous SageMaker endpoint scaling to zero and a
 * SageMaker pipeline with managed spot training and a model registry.
 */
import { bucketProtections, cleanUp, projection, PROTECTED_BUCKET, synthExample } from './support';
import { kubernetesObjects, onlyResource, resourcesOf, Synthesized, SynthesizedStack } from '../support/synth';

let synth: Synthesized;
let aws: SynthesizedStack;
beforeAll(() => {
  synth = synthExample('sagemaker-native');
  aws = synth.stack('acme-sm-aws-us-east-1');
}, 60_000);
afterAll(() => cleanUp(synth));

const byName = (type: string, name: string, key = 'name') => {
  const found = Object.values<any>(resourcesOf(aws, type)).filter((r) => String(r[key]).startsWith(name));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}*, found ${found.length}`);
  return found[0];
};

test('snapshot: stacks, dependencies, resource counts per type, Helm releases and Kubernetes objects', () => {
  expect(projection(synth)).toMatchSnapshot();
});

test('one AWS stack and nothing on Kubernetes: only the AWS provider', () => {
  expect(synth.stacks.map((s) => s.name)).toEqual(['acme-sm-aws-us-east-1']);
  expect(Object.keys(aws.json.terraform.required_providers)).toEqual(['aws']);
  expect(kubernetesObjects(synth)).toEqual([]);
});

test('churn: a serverless endpoint (2 GiB, 20 concurrent), no provisioned concurrency, so nothing runs while idle', () => {
  const config = byName('aws_sagemaker_endpoint_configuration', 'acme-sm-churn-', 'name_prefix');
  expect(config.production_variants).toEqual([{
    variant_name: 'AllTraffic', model_name: expect.stringMatching(/aws_sagemaker_model\..*\.name/), serverless_config: { memory_size_in_mb: 2048, max_concurrency: 20 },
  }]);
  expect(byName('aws_sagemaker_endpoint', 'acme-sm-churn').name).toBe('acme-sm-churn');
});

test('summarize: asynchronous inference on ml.g5.2xlarge scaling between 0 and 4 instances on the backlog, out from zero on an alarm', () => {
  const config = byName('aws_sagemaker_endpoint_configuration', 'acme-sm-summarize-', 'name_prefix');
  expect(config.production_variants[0]).toMatchObject({ instance_type: 'ml.g5.2xlarge', container_startup_health_check_timeout_in_seconds: 1200 });
  expect(config.async_inference_config.output_config.notification_config).toMatchObject({
    success_topic: expect.stringMatching(/aws_sns_topic\./), error_topic: expect.stringMatching(/aws_sns_topic\./),
  });
  // ml.g5 has local NVMe storage: no volume key (CreateEndpointConfig rejects one); the results keep the key.
  expect(config.kms_key_arn).toBeUndefined();
  expect(config.async_inference_config.output_config.kms_key_id).toMatch(/aws_kms_key\./);
  expect(onlyResource(aws, 'aws_appautoscaling_target')).toMatchObject({ min_capacity: 0, max_capacity: 4, scalable_dimension: 'sagemaker:variant:DesiredInstanceCount' });
  const backlog = byName('aws_appautoscaling_policy', 'acme-sm-summarize-AllTraffic-backlog');
  expect(backlog.target_tracking_scaling_policy_configuration).toMatchObject({
    target_value: 3, scale_in_cooldown: 900, customized_metric_specification: { metric_name: 'ApproximateBacklogSizePerInstance' },
  });
  const alarm = onlyResource(aws, 'aws_cloudwatch_metric_alarm');
  expect(alarm).toMatchObject({ metric_name: 'HasBacklogWithoutCapacity', threshold: 1 });
  expect(alarm.alarm_actions).toEqual([expect.stringMatching(/aws_appautoscaling_policy\..*ScaleOutFromZero.*\.arn/)]);
  expect(onlyResource(aws, 'aws_kms_key').enable_key_rotation).toBe(true);
});

test('summarizer-finetune: managed spot training with per-execution S3 checkpoints, a gate on rougeL, registration in the model package group', () => {
  const pipeline = byName('aws_sagemaker_pipeline', 'acme-sm-summarizer-finetune', 'pipeline_name');
  const definition = JSON.parse(pipeline.pipeline_definition);
  expect(definition.Steps.map((s: any) => [s.Name, s.Type])).toEqual([['prepare', 'Processing'], ['train', 'Training'], ['evaluate', 'Processing'], ['Gate', 'Condition']]);
  const train = definition.Steps[1].Arguments;
  expect(train.EnableManagedSpotTraining).toBe(true);
  expect(train.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 36000, MaxWaitTimeInSeconds: 86400 });
  expect(train.ResourceConfig).toEqual({ InstanceType: 'ml.g5.12xlarge', InstanceCount: 1, VolumeSizeInGB: 200 });
  expect(train.CheckpointConfig.S3Uri['Std:Join'].Values[0]).toBe('s3://acme-sm-checkpoints/summarizer/');
  const gate = definition.Steps[3].Arguments;
  expect(gate.Conditions).toEqual([{ Type: 'GreaterThanOrEqualTo', LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.evaluate.PropertyFiles.Metrics' }, Path: 'rougeL' } }, RightValue: 0.41 }]);
  expect(gate.IfSteps.map((s: any) => s.Name)).toEqual(['RegisterModel', 'PublishModel', 'MarkApproved']);
  expect(gate.IfSteps[0].Arguments).toMatchObject({ ModelPackageGroupName: 'acme-sm-summarizer-finetune', ModelApprovalStatus: 'Approved' });
  expect(byName('aws_sagemaker_model_package_group', 'acme-sm-summarizer-finetune', 'model_package_group_name')).toBeDefined();
  const publish = gate.IfSteps[1].Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri;
  expect(publish['Std:Join'].Values[0]).toBe('s3://acme-sm-models/summarize/');
});

test('triggers: new labelled data (batched: one run per hour with new objects) and the first of every month start the summarizer; Monday mornings the churn model', () => {
  // acme-sm-data is not defined here: no notification of ours on it (its owner turns EventBridge on).
  expect(Object.values<any>(resourcesOf(aws, 'aws_s3_bucket_notification'))).toEqual([]);
  const rules = Object.values<any>(resourcesOf(aws, 'aws_cloudwatch_event_rule')).filter((r) => !String(r.name).endsWith('-rollout'));
  const onNew = JSON.parse(rules.find((r) => r.event_pattern).event_pattern);
  expect(onNew.detail).toEqual({ bucket: { name: ['acme-sm-data'] }, object: { key: [{ wildcard: 'tickets/labelled/*.jsonl' }] } });
  expect(rules.filter((r) => r.schedule_expression).map((r) => r.schedule_expression).sort()).toEqual(['cron(0 4 1 * ? *)', 'cron(0 5 ? * 2 *)', 'rate(60 minutes)']);
  const targets = Object.values<any>(resourcesOf(aws, 'aws_cloudwatch_event_target')).filter((t) => t.target_id !== 'StartRollout');
  expect(targets.map((t) => t.arn.replace(/^\$\{(aws_[a-z_]+)\..*$/, '$1')).sort()).toEqual([
    'aws_sagemaker_pipeline', 'aws_sagemaker_pipeline', 'aws_sfn_state_machine', 'aws_sqs_queue',
  ]);
  expect(byName('aws_sfn_state_machine', 'acme-sm-summarizer-finetune-new-data')).toBeDefined();
});

test('churn-train: CPU-only training (gpusPerWorker 0) on two managed spot ml.m5.2xlarge instances, gated on AUC, promoted to the serverless churn endpoint', () => {
  const definition = JSON.parse(byName('aws_sagemaker_pipeline', 'acme-sm-churn-train', 'pipeline_name').pipeline_definition);
  const train = definition.Steps.find((s: any) => s.Type === 'Training').Arguments;
  expect(train).toMatchObject({
    EnableManagedSpotTraining: true,
    ResourceConfig: { InstanceType: 'ml.m5.2xlarge', InstanceCount: 2 },
    StoppingCondition: { MaxRuntimeInSeconds: 7200, MaxWaitTimeInSeconds: 21600 },
  });
  expect(train.CheckpointConfig.S3Uri['Std:Join'].Values[0]).toBe('s3://acme-sm-checkpoints/churn/');
  const gate = definition.Steps.find((s: any) => s.Type === 'Condition').Arguments;
  expect(gate.Conditions[0]).toMatchObject({ Type: 'GreaterThanOrEqualTo', RightValue: 0.83 });
  expect(gate.IfSteps[1].Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri['Std:Join'].Values[0]).toBe('s3://acme-sm-models/churn/');
  // The serverless churn endpoint rolls out approved versions (all at once: no canary without instances).
  expect(byName('aws_sfn_state_machine', 'acme-sm-churn-rollout')).toBeDefined();
  expect(byName('aws_sagemaker_endpoint', 'acme-sm-churn').lifecycle).toEqual({ ignore_changes: ['endpoint_config_name'] });
});

test('promotion rolls summarize: new approved versions under s3://acme-sm-models/summarize/ start a Step Functions rollout, Terraform keeps out of it', () => {
  const rule = byName('aws_cloudwatch_event_rule', 'acme-sm-summarize-rollout');
  expect(JSON.parse(rule.event_pattern).detail).toEqual({ bucket: { name: ['acme-sm-models'] }, object: { key: [{ wildcard: 'summarize/*/_APPROVED.json' }] } });
  const machine = byName('aws_sfn_state_machine', 'acme-sm-summarize-rollout');
  const states = JSON.parse(machine.definition).States;
  expect([states.CreateModel, states.CreateEndpointConfig, states.UpdateEndpoint].map((s) => s.Resource)).toEqual([
    'arn:aws:states:::aws-sdk:sagemaker:createModel', 'arn:aws:states:::aws-sdk:sagemaker:createEndpointConfig', 'arn:aws:states:::aws-sdk:sagemaker:updateEndpoint',
  ]);
  // No canary on summarize: all at once; the pipeline publishes model.tar.gz, which the rollout uses as ModelDataUrl.
  expect(states.UpdateEndpoint.Parameters.DeploymentConfig).toBeUndefined();
  expect(states.ArchiveModelData.Parameters['ModelDataUrl.$']).toBe("States.Format('s3://acme-sm-models/summarize/{}/model.tar.gz', $.run)");
  expect(byName('aws_sagemaker_endpoint', 'acme-sm-summarize').lifecycle).toEqual({ ignore_changes: ['endpoint_config_name'] });
});

test('buckets (the two pipelines\' artifacts, async results) are protected; budget 5,000 USD; tags', () => {
  const lines = bucketProtections(synth);
  expect(lines).toHaveLength(3);
  for (const line of lines) expect(line).toMatch(new RegExp(`: ${PROTECTED_BUCKET}$`));
  expect(onlyResource(aws, 'aws_budgets_budget').limit_amount).toBe('5000.00');
  expect(aws.json.provider.aws[0].default_tags).toEqual([{ tags: expect.objectContaining({ 'team': 'support-ml', 'ai-platform': 'acme-sm' }) }]);
});
