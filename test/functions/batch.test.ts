import { App } from 'cdktf';
import type { EksCluster } from '../../lib/aws/eks-cluster';
import { SecureBucket } from '../../lib/aws/storage';
import { GpuNodePool, GpuNodePoolProps } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { Duration } from '../../lib/core/duration';
import { GpuSharing } from '../../lib/core/gpu-sharing';
import { FunctionEnvironment, FunctionTarget, FunctionTrigger, GpuFunction, GpuFunctionProps, GpuRequest } from '../../lib/functions';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { ExistingCluster } from '../../lib/platform/existing-cluster';
import { EKS_ACCESS } from '../support/eks-access';
import { expectConfigError } from '../support/errors';
import { onlyResource, resourcesOf, Synthesized, SynthesizedStack, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv, unplannableReason } from '../support/terraform';

function eks(): EksCluster {
  return new AiPlatform(testApp(), 'acme').addEksCluster('prod', {
    region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, karpenter: true,
  });
}

/** Whole L4s on spot, falling back to on-demand. */
function spotL4(cluster: EksCluster | ExistingCluster, props: Partial<GpuNodePoolProps> = {}) {
  if (cluster instanceof ExistingCluster) {
    return GpuNodePool.fromExistingNodes(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, nodeSelector: { gpu: 'l4' }, gpus: 8 });
  }
  return new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 8, capacity: Capacity.spot({ fallbackToOnDemand: true }), ...props });
}

function clipsProps(props: Partial<GpuFunctionProps>): Omit<GpuFunctionProps, 'pool'> & Partial<GpuFunctionProps> {
  return {
    image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/clips:3.1.0',
    command: ['python', '-m', 'clips.worker'],
    args: ['--fp16'],
    env: { MODEL: 'whisper-large-v3' },
    resources: { gpu: GpuRequest.whole(1), cpu: 3, memoryGiB: 12, ephemeralStorageGiB: 100 },
    trigger: FunctionTrigger.s3({ bucket: 'acme-media', prefix: 'clips/', suffix: '.mp4' }),
    maxParallelRuns: 4,
    timeout: Duration.hours(20),
    results: 's3://acme-media/transcripts/',
    target: FunctionTarget.awsBatch(),
    ...props,
  };
}

function only(stack: SynthesizedStack, type: string, pathPart: string): any {
  const found = Object.values<any>(resourcesOf(stack, type)).filter((r) => r['//'].metadata.path.includes(pathPart));
  if (found.length !== 1) throw new Error(`expected one ${type} under ${pathPart}, found ${found.length}`);
  return found[0];
}


describe('GpuFunction on AWS Batch, next to a Kubernetes function on the same bucket (EKS)', () => {
  let fn: GpuFunction;
  let synth: Synthesized;
  let infra: SynthesizedStack;
  beforeAll(() => {
    const cluster = eks();
    new SecureBucket(cluster.infraStack, 'MediaBucket', { bucketName: 'acme-media' });
    const shared = new GpuNodePool(cluster, 'l4shared', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 4, sharing: GpuSharing.timeSlicing(4) });
    new GpuFunction(cluster, 'frames', {
      ...clipsProps({}),
      resources: { gpu: GpuRequest.shared(), cpu: 0.5, memoryGiB: 3 },
      pool: shared,
      trigger: FunctionTrigger.s3({ bucket: 'acme-media', prefix: 'frames/' }),
      timeout: Duration.hours(1),
      target: FunctionTarget.kubernetes(),
    });
    fn = new GpuFunction(cluster, 'clips', { ...clipsProps({}), pool: spotL4(cluster) });
    synth = synthApp(App.of(cluster));
    infra = synth.stack('acme-prod-infra');
  });

  test('one bucket notification serves both: a queue for the cluster function, EventBridge for Batch', () => {
    const notification = onlyResource(infra, 'aws_s3_bucket_notification');
    expect(notification.eventbridge).toBe(true);
    expect(notification.queue.map((q: any) => q.filter_prefix)).toEqual(['frames/']);
  });

  test('spot then on-demand compute environments: minimum 0 vCPUs, the GPU AMI, the pool instance types that fit', () => {
    const spot = only(infra, 'aws_batch_compute_environment', 'clips/SpotEnvironment');
    const od = only(infra, 'aws_batch_compute_environment', 'clips/OnDemandEnvironment');
    expect(spot.service_role).toBeUndefined(); // the Batch service-linked role
    expect(spot).toMatchObject({
      type: 'MANAGED',
      state: 'ENABLED',
      compute_environment_name_prefix: 'acme-prod-clips-spot-',
      lifecycle: { create_before_destroy: true },
      update_policy: { terminate_jobs_on_update: false, job_execution_timeout_minutes: 360 },
    });
    expect(spot.compute_resources).toMatchObject({
      type: 'SPOT',
      allocation_strategy: 'SPOT_PRICE_CAPACITY_OPTIMIZED',
      min_vcpus: 0,
      // 3 vCPUs + 12 GiB + 1 L4 per run: g6.xlarge hosts one run (4 vCPUs); 4 runs = 16 vCPUs.
      max_vcpus: 16,
      instance_type: ['g6.xlarge', 'g6.2xlarge', 'g6.4xlarge'],
      ec2_configuration: [{ image_type: 'ECS_AL2023_NVIDIA' }],
      instance_role: expect.stringMatching(/^\$\{aws_iam_instance_profile\.clips_InstanceProfile_[0-9A-F]+\.arn\}$/),
      subnets: [expect.stringContaining('aws_subnet.Network_Private0'), expect.stringContaining('aws_subnet.Network_Private1')],
      security_group_ids: [expect.stringMatching(/^\$\{aws_security_group\.clips_SecurityGroup_[0-9A-F]+\.id\}$/)],
    });
    expect(od.compute_resources).toMatchObject({ type: 'EC2', allocation_strategy: 'BEST_FIT_PROGRESSIVE', min_vcpus: 0, max_vcpus: 16 });
    const queue = only(infra, 'aws_batch_job_queue', 'clips/JobQueue');
    expect(queue).toMatchObject({ name: 'acme-prod-clips', state: 'ENABLED' });
    expect(queue.compute_environment_order.map((o: any) => [o.order, o.compute_environment])).toEqual([
      [0, expect.stringContaining('clips_SpotEnvironment')], [1, expect.stringContaining('clips_OnDemandEnvironment')],
    ]);
  });

  test('instances: IMDSv2 with hop limit 1, encrypted root volume sized for the scratch disk, no inbound traffic', () => {
    const template = only(infra, 'aws_launch_template', 'clips/LaunchTemplate');
    expect(template.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(template.block_device_mappings[0].ebs).toMatchObject({ encrypted: 'true', volume_type: 'gp3', volume_size: 200 });
    const sg = only(infra, 'aws_security_group', 'clips/SecurityGroup');
    expect(sg.ingress).toBeUndefined();
    // (the cluster's own ingress rules, for the Kubernetes API, are not the Batch instances')
    expect(Object.keys(resourcesOf(infra, 'aws_vpc_security_group_ingress_rule')).filter((id) => id.startsWith('clips'))).toEqual([]);
    expect(only(infra, 'aws_vpc_security_group_egress_rule', 'clips/SecurityGroupEgress')).toMatchObject({ ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' });
    const attachment = only(infra, 'aws_iam_role_policy_attachment', 'clips/InstanceRoleEcsPolicy');
    expect(attachment.policy_arn).toBe('arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role');
  });

  test('the job definition: GPU/VCPU/MEMORY, timeout, retries with reclaim retries, least-privilege job role', () => {
    const def = only(infra, 'aws_batch_job_definition', 'clips/JobDefinition');
    expect(def).toMatchObject({
      name: 'acme-prod-clips',
      type: 'container',
      platform_capabilities: ['EC2'],
      timeout: { attempt_duration_seconds: 72000 },
      // retries 2 + 1 + 2 reclaim attempts for spot.
      retry_strategy: { attempts: 5, evaluate_on_exit: [{ on_status_reason: 'Host EC2*', action: 'RETRY' }, { on_reason: '*', action: 'RETRY' }] },
    });
    const container = JSON.parse(def.container_properties);
    expect(container).toMatchObject({
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/clips:3.1.0',
      command: ['python', '-m', 'clips.worker', '--fp16'],
      jobRoleArn: expect.stringMatching(/^\$\{aws_iam_role\.clips_JobRole_[0-9A-F]+\.arn\}$/),
      resourceRequirements: [{ type: 'GPU', value: '1' }, { type: 'VCPU', value: '3' }, { type: 'MEMORY', value: '12288' }],
      privileged: false,
    });
    expect(Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]))).toEqual({
      [FunctionEnvironment.NAME]: 'clips',
      [FunctionEnvironment.RESULTS_URI]: 's3://acme-media/transcripts/',
      [FunctionEnvironment.INPUT_URI]: 's3://acme-media/clips/',
      [FunctionEnvironment.TIMEOUT_SECONDS]: '72000',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      MODEL: 'whisper-large-v3',
    });
    const role = only(infra, 'aws_iam_role', 'clips/JobRole');
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: ['ecs-tasks.amazonaws.com'] });
    expect(JSON.parse(only(infra, 'aws_iam_role_policy', 'clips/JobRolePolicy').policy).Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::acme-media/clips/*'] },
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::acme-media/transcripts/*'] },
    ]);
    expect((fn.resource as any).terraformResourceType).toBe('aws_batch_job_definition');
  });

  test('an EventBridge rule on new objects submits one job per object, with the object as parameters and environment', () => {
    const rule = only(infra, 'aws_cloudwatch_event_rule', 'clips/Rule');
    expect(JSON.parse(rule.event_pattern)).toEqual({
      'source': ['aws.s3'],
      'detail-type': ['Object Created'],
      'detail': { bucket: { name: ['acme-media'] }, object: { key: [{ wildcard: 'clips/*.mp4' }] } },
    });
    const target = only(infra, 'aws_cloudwatch_event_target', 'clips/RuleTarget');
    expect(target).toMatchObject({
      arn: expect.stringContaining('aws_batch_job_queue.clips_JobQueue'),
      batch_target: { job_definition: expect.stringContaining('aws_batch_job_definition.clips_JobDefinition'), job_name: 'acme-prod-clips' },
      dead_letter_config: { arn: expect.stringContaining('clips_EventsDeadLetterQueue') },
      retry_policy: { maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 },
    });
    expect(target.input_transformer.input_paths).toEqual({ bucket: '$.detail.bucket.name', key: '$.detail.object.key' });
    // With the placeholders filled, the template is the SubmitJob input EventBridge sends.
    const filled = JSON.parse(target.input_transformer.input_template.replace(/<bucket>/g, '"acme-media"').replace(/<key>/g, '"clips/a.mp4"'));
    expect(filled).toEqual({
      Parameters: { inputBucket: 'acme-media', inputKey: 'clips/a.mp4' },
      ContainerOverrides: { Environment: [{ Name: 'GPU_FUNCTION_INPUT_BUCKET', Value: 'acme-media' }, { Name: 'GPU_FUNCTION_INPUT_KEY', Value: 'clips/a.mp4' }] },
    });
    const submit = JSON.parse(only(infra, 'aws_iam_role_policy', 'clips/EventsRolePolicy').policy).Statement;
    expect(submit).toEqual([{
      Effect: 'Allow',
      Action: ['batch:SubmitJob'],
      Resource: [expect.stringContaining('aws_batch_job_queue.clips_JobQueue'), expect.stringMatching(/clips_JobDefinition_[0-9A-F]+\.arn_prefix\}$/), expect.stringMatching(/arn_prefix\}:\*$/)],
    }]);
    const trust = JSON.parse(only(infra, 'aws_iam_role', 'clips/EventsRole').assume_role_policy).Statement[0];
    expect(trust.Principal).toEqual({ Service: ['events.amazonaws.com'] });
    // EventBridge may assume it for this rule of this account only.
    expect(trust.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': expect.stringMatching(/^\$\{local\.clips_Account_[0-9A-F]+\}$/) },
      ArnEquals: { 'aws:SourceArn': expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.clips_Rule_[0-9A-F]+\.arn\}$/) },
    });
    const [tlsOnly, dlqPolicy] = JSON.parse(only(infra, 'aws_sqs_queue_policy', 'clips/EventsDeadLetterQueuePolicy').policy).Statement;
    expect(tlsOnly).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(dlqPolicy).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': expect.stringContaining('clips_Rule') } } });
    expect(only(infra, 'aws_sqs_queue', 'clips/EventsDeadLetterQueue').sqs_managed_sse_enabled).toBe(true);
  });

  test('Batch instances and their volumes carry the platform tags (provider default_tags do not reach them) and the function tag', () => {
    const platformTags = infra.json.provider.aws[0].default_tags[0].tags;
    expect(platformTags).toMatchObject({ 'managed-by': 'cdktf-ai-infra', 'ai-platform': 'acme' });
    const want = { ...platformTags, 'cdktf-ai-infra/function': 'clips' };
    for (const env of ['clips/SpotEnvironment', 'clips/OnDemandEnvironment']) {
      expect(only(infra, 'aws_batch_compute_environment', env).compute_resources.tags).toEqual(want);
    }
    const template = only(infra, 'aws_launch_template', 'clips/LaunchTemplate');
    expect(template.tag_specifications.map((t: any) => [t.resource_type, t.tags])).toEqual([['instance', want], ['volume', want]]);
  });

  test('job logs go to a log group of the function with a retention', () => {
    const group = only(infra, 'aws_cloudwatch_log_group', 'clips/Logs');
    expect(group).toMatchObject({ name: '/aws/batch/acme-prod-clips', retention_in_days: 90 });
    const container = JSON.parse(only(infra, 'aws_batch_job_definition', 'clips/JobDefinition').container_properties);
    expect(container.logConfiguration).toEqual({
      logDriver: 'awslogs', options: { 'awslogs-group': expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.clips_Logs_[0-9A-F]+\.name\}$/), 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'job' },
    });
  });

  test('nothing of the Batch function lands in the workloads stack', () => {
    const manifests = Object.values<any>(resourcesOf(synth.stack('acme-prod-workloads'), 'kubernetes_manifest'));
    expect(manifests.filter((m) => m.manifest.metadata.name === 'clips' || m.manifest.metadata.namespace === 'clips')).toEqual([]);
    expect(manifests.filter((m) => m.manifest.kind === 'ScaledJob').map((m) => m.manifest.metadata.name)).toEqual(['frames']);
  });

  test('cold start and cost on Batch', () => {
    expect(fn.coldStart.nodeProvisioning.toMinutes()).toBe(4);
    expect(fn.coldStart.trigger.toSeconds()).toBe(0);
    expect(fn.costBasis).toMatchObject({ instanceType: 'g6.xlarge', runsPerInstance: 1, spot: true });
    expect(fn.costPer1000Items(Duration.seconds(36), { spotDiscount: 0.5 })).toBeCloseTo(10 * 0.8048 * 0.5, 10);
  });
});

describe('GpuFunction on AWS Batch for an existing cluster (platform AWS stack), on schedule', () => {
  let synth: Synthesized;
  let aws: SynthesizedStack;
  beforeAll(() => {
    const lab = new AiPlatform(testApp(), 'acme').addExistingCluster('lab', { awsRegion: 'us-east-1' });
    new GpuFunction(lab, 'nightly', {
      ...clipsProps({}),
      resources: { gpu: GpuRequest.whole(2), cpu: 8, memoryGiB: 60 },
      pool: spotL4(lab),
      trigger: FunctionTrigger.schedule('0 2 * * 1-5'),
      maxParallelRuns: undefined,
      retries: 0,
      input: 's3://acme-media/frames/',
      target: FunctionTarget.awsBatch({ subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], securityGroupIds: ['sg-0123456789abcdef0'] }),
    });
    synth = synthApp(App.of(lab));
    aws = synth.stack('acme-aws-us-east-1');
  });

  test('on-demand only, instance types from the accelerator catalog that fit two GPUs', () => {
    const envs = Object.values<any>(resourcesOf(aws, 'aws_batch_compute_environment'));
    expect(envs).toHaveLength(1);
    expect(envs[0].compute_resources).toMatchObject({
      type: 'EC2',
      // 8 vCPUs + 60 GiB + 2 L4: g6.12xlarge (48 vCPUs, 4 L4, 192 GiB) hosts two runs; one run needs one of them.
      max_vcpus: 48,
      instance_type: ['g6.12xlarge'],
      subnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      security_group_ids: ['sg-0123456789abcdef0'],
    });
    expect(resourcesOf(aws, 'aws_security_group')).toEqual({});
  });

  test('an EventBridge schedule in EventBridge spelling; list + get on the input; no retries but reclaims', () => {
    const rule = Object.values<any>(resourcesOf(aws, 'aws_cloudwatch_event_rule'))[0];
    expect(rule.schedule_expression).toBe('cron(0 2 ? * 2-6 *)');
    expect(rule.event_pattern).toBeUndefined();
    expect(Object.values<any>(resourcesOf(aws, 'aws_cloudwatch_event_target'))[0].input_transformer).toBeUndefined();
    const statements = JSON.parse(Object.values<any>(resourcesOf(aws, 'aws_iam_role_policy')).find((p) => p['//'].metadata.path.endsWith('JobRolePolicy')).policy).Statement;
    expect(statements.map((s: any) => s.Action[0])).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    const def = Object.values<any>(resourcesOf(aws, 'aws_batch_job_definition'))[0];
    expect(def.retry_strategy).toEqual({ attempts: 1, evaluate_on_exit: [{ on_status_reason: 'Host EC2*', action: 'RETRY' }, { on_reason: '*', action: 'EXIT' }] });
    expect(resourcesOf(aws, 'aws_s3_bucket_notification')).toEqual({});
  });
});

describe('GpuFunction on AWS Batch: validation', () => {
  const P = 'acme/prod/clips';
  const make = (props: Partial<GpuFunctionProps>, poolProps: Partial<GpuNodePoolProps> = {}) => {
    const cluster = eks();
    new SecureBucket(cluster.infraStack, 'MediaBucket', { bucketName: 'acme-media' });
    return new GpuFunction(cluster, 'clips', { ...clipsProps(props), pool: spotL4(cluster, poolProps) });
  };

  test('throws when the timeout is beyond what AWS Batch functions allow here (24 h)', () => {
    expectConfigError(() => make({ timeout: Duration.hours(30) }), { path: P, field: 'timeout', received: '1 day 6 hours', expected: /to 1 day \(the longest run this library accepts\)/ });
  });

  test('throws when the pool shares its GPUs, or is not NVIDIA', () => {
    expectConfigError(() => make({ resources: { gpu: GpuRequest.shared(), cpu: 1, memoryGiB: 2 } }, { sharing: GpuSharing.timeSlicing(2) }), {
      path: P, field: 'pool', received: 'l4 (timeSlicing(2))', expected: /GpuSharing.exclusive\(\) on AWS Batch/,
    });
    expectConfigError(() => make({}, { accelerator: Accelerator.AWS_INFERENTIA2, capacity: Capacity.onDemand() }), {
      path: P, field: 'target', received: 'aws-batch', expected: /runs NVIDIA GPUs/,
    });
  });

  test('throws when the trigger is an SQS queue, or an S3 trigger names a queue', () => {
    expectConfigError(() => make({ trigger: FunctionTrigger.sqs('arn:aws:sqs:us-east-1:123456789012:acme-jobs') }), { path: P, field: 'trigger', received: 'sqs(arn:aws:sqs:us-east-1:123456789012:acme-jobs)' });
    expectConfigError(() => make({ trigger: FunctionTrigger.s3({ bucket: 'acme-media', queue: 'arn:aws:sqs:us-east-1:123456789012:acme-jobs' }) }), {
      path: P, field: 'trigger.queue', received: 'arn:aws:sqs:us-east-1:123456789012:acme-jobs',
    });
  });

  test('throws when an S3 trigger names a bucket whose notifications this program may not configure', () => {
    expectConfigError(() => make({ trigger: FunctionTrigger.s3({ bucket: 'partner-media' }) }), { path: P, field: 'trigger.bucket', received: 'partner-media', expected: /EventBridge must be enabled/ });
  });

  test('throws when a run takes more than one message, or more than 9 retries', () => {
    expectConfigError(() => make({ messagesPerRun: 5 }), { path: P, field: 'messagesPerRun', received: 5, expected: /one job per object/ });
    expectConfigError(() => make({ retries: 10 }), { path: P, field: 'retries', received: 10, expected: /0 to 9 on AWS Batch/ });
  });

  test('throws when the pool uses Capacity Blocks', () => {
    expectConfigError(() => make({}, { capacity: Capacity.reserved({ capacityBlock: true, capacityReservationIds: ['cr-0123456789abcdef0'] }), provisioner: undefined }), {
      path: P, field: 'pool', received: 'l4 (reserved(capacityBlock, cr-0123456789abcdef0))',
    });
  });

  test('throws when the schedule restricts both days (EventBridge cannot)', () => {
    expectConfigError(() => make({ trigger: FunctionTrigger.schedule('0 2 1 * MON'), maxParallelRuns: undefined }), { path: P, field: 'trigger.schedule', received: '0 2 1 * MON' });
  });

  test('throws when a cluster other than EKS gives no network', () => {
    const lab = new AiPlatform(testApp(), 'acme').addExistingCluster('lab', { awsRegion: 'us-east-1' });
    expectConfigError(() => new GpuFunction(lab, 'a', { ...clipsProps({ trigger: FunctionTrigger.schedule('@daily'), maxParallelRuns: undefined }), pool: spotL4(lab) }), {
      path: 'acme/lab/a', field: 'target.subnetIds', received: undefined, expected: /FunctionTarget.awsBatch\(\{ subnetIds, vpcId \}\)/,
    });
    expectConfigError(() => new GpuFunction(lab, 'b', {
      ...clipsProps({ trigger: FunctionTrigger.schedule('@daily'), maxParallelRuns: undefined, target: FunctionTarget.awsBatch({ subnetIds: ['subnet-0123456789abcdef0'] }) }),
      pool: GpuNodePool.fromExistingNodes(lab, 'l4b', { accelerator: Accelerator.NVIDIA_L4, nodeSelector: { gpu: 'l4' }, gpus: 8 }),
    }), { path: 'acme/lab/b', field: 'target.vpcId', received: undefined });
  });
});

const tfEnv = terraformEnv();
const maybe = skipLoudlyUnlessCi('offline terraform plan of GpuFunction on AWS Batch', tfEnv.missing) ? test.skip : test;

describe('GpuFunction on AWS Batch: offline plan', () => {
  maybe('the EKS infra stack with a Batch function and a cluster function on one bucket plans offline', () => {
    const cluster = eks();
    new SecureBucket(cluster.infraStack, 'MediaBucket', { bucketName: 'acme-media' });
    const shared = new GpuNodePool(cluster, 'l4shared', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 4, sharing: GpuSharing.timeSlicing(4) });
    new GpuFunction(cluster, 'frames', {
      ...clipsProps({}),
      resources: { gpu: GpuRequest.shared(), cpu: 0.5, memoryGiB: 3 },
      pool: shared,
      trigger: FunctionTrigger.s3({ bucket: 'acme-media', prefix: 'frames/' }),
      timeout: Duration.hours(1),
      target: FunctionTarget.kubernetes(),
    });
    new GpuFunction(cluster, 'clips', { ...clipsProps({}), pool: spotL4(cluster) });
    const json = synthApp(App.of(cluster)).stack('acme-prod-infra').json;
    expect(unplannableReason(json, tfEnv)).toBeUndefined();
    const result = planOffline(json, { validate: false });
    if (!result.ok) console.error(result.output.slice(-4000));
    expect(result.failedStep).toBeUndefined();
    const types = new Set(result.plannedResources.map((r) => r.type));
    for (const t of ['aws_batch_compute_environment', 'aws_batch_job_queue', 'aws_batch_job_definition', 'aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target', 'aws_iam_instance_profile', 'aws_launch_template', 'aws_s3_bucket_notification']) {
      expect(types).toContain(t);
    }
  }, 180_000);

  maybe('the platform AWS stack of an existing cluster with a scheduled Batch function plans offline', () => {
    const lab = new AiPlatform(testApp(), 'acme').addExistingCluster('lab', { awsRegion: 'us-east-1' });
    new GpuFunction(lab, 'nightly', {
      ...clipsProps({ trigger: FunctionTrigger.schedule('0 2 * * 1-5'), maxParallelRuns: undefined, target: FunctionTarget.awsBatch({ subnetIds: ['subnet-0123456789abcdef0'], vpcId: 'vpc-0123456789abcdef0' }) }),
      pool: spotL4(lab),
    });
    const result = planOffline(synthApp(App.of(lab)).stack('acme-aws-us-east-1').json, { validate: false });
    if (!result.ok) console.error(result.output.slice(-4000));
    expect(result.failedStep).toBeUndefined();
    expect(result.plannedResources.filter((r) => r.type === 'aws_batch_compute_environment')).toHaveLength(1);
  }, 180_000);
});
