import { App } from 'cdktf';
import { messages } from './support';
import { Duration } from '../../lib/core/duration';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { ModelSource, ServerlessInferenceEndpoint, ServingRuntime, ServingTarget } from '../../lib/serving';
import { EKS_ACCESS } from '../support/eks-access';
import { onlyResource, resourcesOf, Synthesized, SynthesizedStack, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv, unplannableReason } from '../support/terraform';

const env = terraformEnv();
const skipPlan = skipLoudlyUnlessCi('offline terraform plan of the SageMaker endpoints', env.missing);

const SKLEARN_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const TGI_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04';

function byPath(stack: SynthesizedStack, type: string, path: string): any {
  const found = Object.values<any>(resourcesOf(stack, type)).filter((r) => r['//'].metadata.path === path);
  if (found.length !== 1) throw new Error(`expected one ${type} at ${path}, found ${found.length}`);
  return found[0];
}

describe('SageMaker serverless + asynchronous pair in the platform\'s AWS stack', () => {
  let synth: Synthesized;
  let aws: SynthesizedStack;
  let iris: ServerlessInferenceEndpoint;
  let summarize: ServerlessInferenceEndpoint;
  beforeAll(() => {
    const platform = new AiPlatform(testApp(), 'acme');
    iris = new ServerlessInferenceEndpoint(platform, 'iris', {
      model: ModelSource.s3('s3://acme-models/iris/v3/model.tar.gz', { sizeGiB: 0.1 }),
      runtime: ServingRuntime.SKLEARN,
      target: ServingTarget.sagemakerServerless({ image: SKLEARN_IMAGE, region: 'us-east-1', memorySizeMiB: 2048, maxConcurrency: 50, provisionedConcurrency: 2 }),
      modelVersionsUri: 's3://acme-models/iris/',
    });
    summarize = new ServerlessInferenceEndpoint(platform, 'summarize', {
      model: ModelSource.s3('s3://acme-models/summarize/v7/', { sizeGiB: 16 }),
      previousModel: ModelSource.s3('s3://acme-models/summarize/v6/', { sizeGiB: 16 }),
      canaryPercent: 20,
      runtime: ServingRuntime.TGI,
      minReplicas: 0,
      maxReplicas: 4,
      scaleToZeroAfter: Duration.minutes(15),
      coldStartDeadline: Duration.minutes(20),
      target: ServingTarget.sagemakerAsync({
        image: TGI_IMAGE,
        region: 'us-east-1',
        instanceType: 'ml.g5.2xlarge',
        notifications: true,
        targetBacklogPerInstance: 3,
        maxConcurrentInvocationsPerInstance: 4,
        environment: { HF_MODEL_ID: '/opt/ml/model' },
      }),
    });
    synth = synthApp(App.of(platform));
    aws = synth.stack('acme-aws-us-east-1');
  });

  test('only the AWS provider in the stack, endpoints named after the platform', () => {
    expect(synth.stacks.map((s) => s.name)).toEqual(['acme-aws-us-east-1']);
    expect(Object.keys(aws.json.terraform.required_providers)).toEqual(['aws']);
    expect(Object.values<any>(resourcesOf(aws, 'aws_sagemaker_endpoint')).map((e) => e.name).sort()).toEqual(['acme-iris', 'acme-summarize']);
    expect(iris.sagemakerEndpointName).toBe('acme-iris');
    expect(iris.resource.node.path).toBe('acme-aws-us-east-1/iris/Resource');
  });

  test('serverless: memory, concurrency and provisioned concurrency; model archive from S3; no volume key', () => {
    const config = byPath(aws, 'aws_sagemaker_endpoint_configuration', 'acme-aws-us-east-1/iris/Config');
    expect(config.production_variants).toEqual([{
      variant_name: 'AllTraffic',
      model_name: expect.stringMatching(/^\$\{aws_sagemaker_model\.iris_Model_[0-9A-F]+\.name\}$/),
      serverless_config: { memory_size_in_mb: 2048, max_concurrency: 50, provisioned_concurrency: 2 },
    }]);
    expect(config.kms_key_arn).toBeUndefined();
    expect(config.lifecycle).toEqual({ create_before_destroy: true });
    const model = byPath(aws, 'aws_sagemaker_model', 'acme-aws-us-east-1/iris/Model');
    expect(model.primary_container).toEqual({ image: SKLEARN_IMAGE, mode: 'SingleModel', model_data_url: 's3://acme-models/iris/v3/model.tar.gz' });
    expect(model.enable_network_isolation).toBe(false);
    expect(iris.realisation).toBe('sagemaker-serverless');
  });

  test('serverless execution role: reads the model and its versions prefix, pulls its image, writes its logs; nothing else', () => {
    const role = byPath(aws, 'aws_iam_role', 'acme-aws-us-east-1/iris/ExecutionRole');
    // SageMaker assumes it for this account only; the account comes from the endpoint's log group ARN.
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([{
      Effect: 'Allow', Principal: { Service: ['sagemaker.amazonaws.com'] }, Action: ['sts:AssumeRole'], Condition: { StringEquals: { 'aws:SourceAccount': '${local.iris_Account_6D5CD661}' } },
    }]);
    expect(aws.json.locals.iris_Account_6D5CD661).toMatch(/^\$\{element\(split\(":", aws_cloudwatch_log_group\.iris_Logs_[0-9A-F]+\.arn\), 4\)\}$/);
    const statements = JSON.parse(byPath(aws, 'aws_iam_role_policy', 'acme-aws-us-east-1/iris/ExecutionPolicy').policy).Statement;
    expect(statements).toEqual([
      { Sid: 'ReadModel', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::acme-models/iris/*'] },
      { Sid: 'ListModelAcmeModels', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::acme-models'], Condition: { StringLike: { 's3:prefix': ['iris/*'] } } },
      { Sid: 'PullImage', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], Resource: ['arn:aws:ecr:us-east-1:683313688378:repository/sagemaker-scikit-learn'] },
      { Sid: 'EcrAuth', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      {
        Sid: 'Logs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.iris_Logs_[0-9A-F]+\.arn\}$/), expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.iris_Logs_[0-9A-F]+\.arn\}:\*$/)],
      },
    ]);
    expect(iris.promotion).toEqual({
      kind: 'sagemaker',
      modelVersionsUri: 's3://acme-models/iris/',
      sagemakerEndpointName: 'acme-iris',
      canaryPercent: 100,
      namespace: undefined,
      inferenceServiceName: undefined,
      cluster: undefined,
      // A promoting pipeline adds the endpoint's rollout (test/aws/sagemaker-rollout.test.ts); no KServe hook.
      _enableSageMakerRollout: expect.any(Function),
      _acceptModelRollouts: undefined,
    });
  });

  test('async: canary and stable variants on GPU instances, results in S3 encrypted with a new KMS key, SNS notifications', () => {
    const config = byPath(aws, 'aws_sagemaker_endpoint_configuration', 'acme-aws-us-east-1/summarize/Config');
    const key = `\${aws_kms_key.${Object.keys(resourcesOf(aws, 'aws_kms_key'))[0]}.arn}`;
    expect(onlyResource(aws, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    // ml.g5 has local NVMe storage: CreateEndpointConfig rejects a volume key there (API reference, KmsKeyId).
    expect(config.kms_key_arn).toBeUndefined();
    const summary = (v: any) => [
      v.variant_name, v.initial_variant_weight, v.instance_type, v.initial_instance_count, v.container_startup_health_check_timeout_in_seconds,
    ];
    expect(config.production_variants.map(summary)).toEqual([
      ['canary', 20, 'ml.g5.2xlarge', 1, 1200],
      ['stable', 80, 'ml.g5.2xlarge', 1, 1200],
    ]);
    const bucket = byPath(aws, 'aws_s3_bucket', 'acme-aws-us-east-1/summarize/Output/Resource');
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    const out = config.async_inference_config.output_config;
    expect(out.s3_output_path).toMatch(/^s3:\/\/\$\{aws_s3_bucket\.summarize_Output_[0-9A-F]+\.bucket\}\/results\/$/);
    expect(out.s3_failure_path).toBe(`${out.s3_output_path}failures/`);
    expect(out.kms_key_id).toBe(key);
    expect(out.notification_config.success_topic).toMatch(/aws_sns_topic\.summarize_SuccessTopic/);
    expect(config.async_inference_config.client_config).toEqual({ max_concurrent_invocations_per_instance: 4 });
    for (const t of Object.values<any>(resourcesOf(aws, 'aws_sns_topic'))) expect(t.kms_master_key_id).toBe(key);
    const sse = byPath(aws, 'aws_s3_bucket_server_side_encryption_configuration', 'acme-aws-us-east-1/summarize/Output/Encryption');
    expect(sse.rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'aws:kms', kms_master_key_id: key });
    const models = ['canary', 'stable'].map((v) => byPath(aws, 'aws_sagemaker_model', `acme-aws-us-east-1/summarize/Model-${v}`));
    expect(models.map((m) => m.primary_container.model_data_source.s3_data_source[0].s3_uri)).toEqual(['s3://acme-models/summarize/v7/', 's3://acme-models/summarize/v6/']);
    expect(models[0].primary_container.environment).toEqual({ HF_MODEL_ID: '/opt/ml/model' });
    expect(models[0].enable_network_isolation).toBe(true);
  });

  test('async: the execution role reads the requests callers upload (InputLocation), under inputs/ of the results bucket by default', () => {
    const statements = JSON.parse(byPath(aws, 'aws_iam_role_policy', 'acme-aws-us-east-1/summarize/ExecutionPolicy').policy).Statement;
    const read = statements.find((x: any) => x.Sid === 'ReadRequests');
    expect(read).toEqual({ Sid: 'ReadRequests', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [expect.stringMatching(/^\$\{aws_s3_bucket\.summarize_Output_[0-9A-F]+\.arn\}\/inputs\/\*$/)] });
    expect(summarize.asyncInputUri).toMatch(/^s3:\/\/\$\{TfToken\[.*\]\}\/inputs\/$/);
  });

  test('every endpoint has its log group with a retention before it starts', () => {
    for (const name of ['iris', 'summarize']) {
      const group = byPath(aws, 'aws_cloudwatch_log_group', `acme-aws-us-east-1/${name}/Logs`);
      expect(group).toEqual(expect.objectContaining({ name: `/aws/sagemaker/Endpoints/acme-${name}`, retention_in_days: 90 }));
      expect(byPath(aws, 'aws_sagemaker_endpoint', `acme-aws-us-east-1/${name}/Resource`).depends_on).toEqual([expect.stringMatching(new RegExp(`^aws_cloudwatch_log_group\\.${name}_Logs_[0-9A-F]+$`))]);
    }
  });

  test('async scaling: each variant from 0 to maxReplicas, out of zero on HasBacklogWithoutCapacity, target tracking on backlog per instance', () => {
    const endpointName = `\${aws_sagemaker_endpoint.${Object.entries<any>(resourcesOf(aws, 'aws_sagemaker_endpoint')).find(([, e]) => e.name === 'acme-summarize')![0]}.name}`;
    for (const v of ['canary', 'stable']) {
      const target = byPath(aws, 'aws_appautoscaling_target', `acme-aws-us-east-1/summarize/Scaling-${v}/Target`);
      expect(target).toMatchObject({
        service_namespace: 'sagemaker',
        scalable_dimension: 'sagemaker:variant:DesiredInstanceCount',
        min_capacity: 0,
        max_capacity: 4,
        resource_id: `endpoint/${endpointName}/variant/${v}`,
      });
      const tracking = byPath(aws, 'aws_appautoscaling_policy', `acme-aws-us-east-1/summarize/Scaling-${v}/BacklogPerInstance`);
      expect(tracking.policy_type).toBe('TargetTrackingScaling');
      expect(tracking.target_tracking_scaling_policy_configuration).toEqual({
        target_value: 3,
        scale_in_cooldown: 900,
        scale_out_cooldown: 60,
        customized_metric_specification: {
          metric_name: 'ApproximateBacklogSizePerInstance',
          namespace: 'AWS/SageMaker',
          statistic: 'Average',
          dimensions: [{ name: 'EndpointName', value: endpointName }],
        },
      });
      const step = byPath(aws, 'aws_appautoscaling_policy', `acme-aws-us-east-1/summarize/Scaling-${v}/ScaleOutFromZero`);
      expect(step.step_scaling_policy_configuration).toEqual({
        adjustment_type: 'ChangeInCapacity', cooldown: 300, metric_aggregation_type: 'Average', step_adjustment: [{ metric_interval_lower_bound: '0', scaling_adjustment: 1 }],
      });
    }
    const alarm = onlyResource(aws, 'aws_cloudwatch_metric_alarm');
    expect(alarm).toMatchObject({
      namespace: 'AWS/SageMaker',
      metric_name: 'HasBacklogWithoutCapacity',
      statistic: 'Average',
      period: 60,
      evaluation_periods: 2,
      threshold: 1,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      dimensions: { EndpointName: endpointName },
    });
    expect(alarm.alarm_actions).toHaveLength(2);
  });

  test('async execution role: model prefixes, results prefix, its key, its topics', () => {
    const statements = JSON.parse(byPath(aws, 'aws_iam_role_policy', 'acme-aws-us-east-1/summarize/ExecutionPolicy').policy).Statement;
    const sids = statements.map((s: any) => s.Sid);
    expect(sids).toEqual(['ReadModel', 'ListModelAcmeModels', 'PullImage', 'EcrAuth', 'Logs', 'ReadRequests', 'WriteResults', 'UseKey', 'Notify']);
    expect(statements[0].Resource).toEqual(['arn:aws:s3:::acme-models/summarize/v7/*', 'arn:aws:s3:::acme-models/summarize/v6/*']);
    expect(statements[6]).toMatchObject({ Action: ['s3:PutObject'] });
    expect(statements[6].Resource[0]).toMatch(/^\$\{aws_s3_bucket\.summarize_Output_[0-9A-F]+\.arn\}\/results\/\*$/);
    for (const s of statements) expect(s.Action).not.toContain('*');
  });

  test('cold start of the async endpoint counts an instance from zero', () => {
    expect(summarize.coldStart.nodeProvisioningSeconds).toBe(300);
    expect(summarize.coldStart.modelDownloadSeconds).toBe(Math.ceil(16 * 1024 / 200));
    expect(messages(summarize, 'info')).toEqual(expect.arrayContaining([expect.stringMatching(/^summarize: sagemaker-async, SageMaker endpoint acme-summarize, 0-4 replicas/)]));
  });

  (skipPlan ? test.skip : test)('the stack plans offline with hashicorp/aws 5.100.0', () => {
    expect(unplannableReason(aws.json, env)).toBeUndefined();
    const result = planOffline(aws.json, { validate: false });
    if (!result.ok) throw new Error(`terraform ${result.failedStep} failed:\n${result.output.slice(-6000)}`);
    const types = new Set(result.plannedResources.map((r) => r.type));
    for (const t of ['aws_sagemaker_model', 'aws_sagemaker_endpoint_configuration', 'aws_sagemaker_endpoint', 'aws_appautoscaling_target', 'aws_appautoscaling_policy', 'aws_cloudwatch_metric_alarm', 'aws_sns_topic', 'aws_kms_key', 'aws_iam_role_policy']) {
      expect(types).toContain(t);
    }
  }, 180_000);
});

describe('the volume key of an asynchronous endpoint follows the instance storage (CreateEndpointConfig KmsKeyId)', () => {
  function asyncConfig(instanceType: string, kmsKeyArn?: string, runtime = ServingRuntime.TGI): any {
    const platform = new AiPlatform(testApp(), 'acme');
    new ServerlessInferenceEndpoint(platform, 'summarize', {
      model: ModelSource.s3('s3://acme-models/summarize/v7/', { sizeGiB: 16 }),
      runtime,
      minReplicas: 0,
      maxReplicas: 2,
      target: ServingTarget.sagemakerAsync({ image: TGI_IMAGE, region: 'us-east-1', instanceType, kmsKeyArn }),
    });
    return byPath(synthApp(App.of(platform)).stack('acme-aws-us-east-1'), 'aws_sagemaker_endpoint_configuration', 'acme-aws-us-east-1/summarize/Config');
  }

  test.each(['ml.g4dn.xlarge', 'ml.g5.2xlarge', 'ml.g6.xlarge', 'ml.g6e.2xlarge', 'ml.p4d.24xlarge', 'ml.p5.48xlarge'])('%s (local NVMe): no volume key, the results keep the key', (type) => {
    const config = asyncConfig(type);
    expect(config.kms_key_arn).toBeUndefined();
    expect(config.async_inference_config.output_config.kms_key_id).toMatch(/^\$\{aws_kms_key\.summarize_Key_[0-9A-F]+\.arn\}$/);
  });

  test('a given input location: the role reads that prefix only', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const e = new ServerlessInferenceEndpoint(platform, 'summarize', {
      model: ModelSource.s3('s3://acme-models/summarize/v7/', { sizeGiB: 16 }),
      runtime: ServingRuntime.TGI,
      target: ServingTarget.sagemakerAsync({ image: TGI_IMAGE, region: 'us-east-1', instanceType: 'ml.g5.xlarge', inputUri: 's3://acme-requests/summarize/' }),
    });
    const statements = JSON.parse(byPath(synthApp(App.of(platform)).stack('acme-aws-us-east-1'), 'aws_iam_role_policy', 'acme-aws-us-east-1/summarize/ExecutionPolicy').policy).Statement;
    expect(statements.find((x: any) => x.Sid === 'ReadRequests').Resource).toEqual(['arn:aws:s3:::acme-requests/summarize/*']);
    expect(e.asyncInputUri).toBe('s3://acme-requests/summarize/');
  });

  test('a given key on an NVMe type: results only', () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const config = asyncConfig('ml.g6.2xlarge', key);
    expect(config.kms_key_arn).toBeUndefined();
    expect(config.async_inference_config.output_config.kms_key_id).toBe(key);
  });

  test('an EBS-only type (ml.inf2.xlarge) keeps the volume key', () => {
    const config = asyncConfig('ml.inf2.xlarge', undefined, ServingRuntime.custom('111122223333.dkr.ecr.us-east-1.amazonaws.com/neuron-server:1.0'));
    expect(config.kms_key_arn).toMatch(/^\$\{aws_kms_key\.summarize_Key_[0-9A-F]+\.arn\}$/);
    expect(config.async_inference_config.output_config.kms_key_id).toBe(config.kms_key_arn);
  });
});

describe('SageMaker endpoints scoped to clusters', () => {
  test('an EKS cluster puts them in its infra stack', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const prod = platform.addEksCluster('prod', { region: 'eu-central-1', availabilityZones: ['eu-central-1a', 'eu-central-1b'], ...EKS_ACCESS });
    new ServerlessInferenceEndpoint(prod, 'iris', {
      model: ModelSource.huggingFace('acme/iris-classifier'),
      runtime: ServingRuntime.custom('111122223333.dkr.ecr.eu-central-1.amazonaws.com/iris:1.0.0'),
      target: ServingTarget.sagemakerServerless({ image: '111122223333.dkr.ecr.eu-central-1.amazonaws.com/iris:1.0.0', memorySizeMiB: 1024 }),
    });
    const infra = synthApp(App.of(prod)).stack('acme-prod-infra');
    const model = byPath(infra, 'aws_sagemaker_model', 'acme-prod-infra/iris/Model');
    expect(model.primary_container).toEqual({ image: '111122223333.dkr.ecr.eu-central-1.amazonaws.com/iris:1.0.0', mode: 'SingleModel', environment: { HF_MODEL_ID: 'acme/iris-classifier' } });
    // No S3 model: the role reads no bucket.
    const statements = JSON.parse(byPath(infra, 'aws_iam_role_policy', 'acme-prod-infra/iris/ExecutionPolicy').policy).Statement;
    expect(statements.map((s: any) => s.Sid)).toEqual(['PullImage', 'EcrAuth', 'Logs']);
  });

  test('an existing cluster with an AWS region puts them in the platform\'s stack of that region', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const lab = platform.addExistingCluster('lab', { awsRegion: 'eu-west-1' });
    const e = new ServerlessInferenceEndpoint(lab, 'iris', {
      model: ModelSource.s3('s3://acme-models/iris/v3/'),
      runtime: ServingRuntime.SKLEARN,
      target: ServingTarget.sagemakerServerless({ image: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', memorySizeMiB: 3072 }),
    });
    const synth = synthApp(App.of(lab));
    expect(byPath(synth.stack('acme-aws-eu-west-1'), 'aws_sagemaker_endpoint', 'acme-aws-eu-west-1/lab/iris/Resource').name).toBe('acme-iris');
    expect(e.promotion).toMatchObject({ kind: 'sagemaker', sagemakerEndpointName: 'acme-iris', cluster: lab });
  });
});
