import { App, Lazy } from 'cdktf';
import type { EksCluster } from '../../lib/aws/eks-cluster';
import { SecureBucket } from '../../lib/aws/storage';
import { GpuNodePool, GpuNodePoolProps } from '../../lib/compute/gpu-node-pool';
import { IGpuNodePool } from '../../lib/compute/pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { Duration } from '../../lib/core/duration';
import { GpuSharing } from '../../lib/core/gpu-sharing';
import {
  FunctionEnvironment, FunctionTrigger, GpuFunction, GpuFunctionProps, GpuRequest,
} from '../../lib/functions';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { ICluster } from '../../lib/platform/cluster';
import { ExistingCluster, ExistingWorkloadIdentity } from '../../lib/platform/existing-cluster';
import { EKS_ACCESS } from '../support/eks-access';
import { expectConfigError } from '../support/errors';
import { defaultRegistry } from '../support/schemas';
import { kubernetesObjects, onlyResource, resourcesOf, Synthesized, SynthesizedStack, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv, unplannableReason } from '../support/terraform';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:acme-jobs';

function eks(props: { karpenter?: boolean } = {}): EksCluster {
  return new AiPlatform(testApp(), 'acme').addEksCluster('prod', {
    region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, karpenter: props.karpenter ?? true,
  });
}

/** A time-sliced L4 pool (4 runs per GPU), the seed's media pattern. */
function sharedL4(cluster: ICluster, props: Partial<GpuNodePoolProps> = {}): GpuNodePool {
  return new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 10, sharing: GpuSharing.timeSlicing(4), ...props });
}

function exclusiveL4(cluster: ICluster, props: Partial<GpuNodePoolProps> = {}): GpuNodePool {
  return new GpuNodePool(cluster, 'l4x', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 4, ...props });
}

/** The media bucket, defined in this program (so its notifications may be configured here). */
function mediaBucket(cluster: EksCluster): SecureBucket {
  return new SecureBucket(cluster.infraStack, 'MediaBucket', { bucketName: 'acme-media' });
}

function framesProps(pool: IGpuNodePool, props: Partial<GpuFunctionProps> = {}): GpuFunctionProps {
  return {
    image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/frames:1.4.2',
    command: ['python', '-m', 'frames.worker'],
    resources: { gpu: GpuRequest.shared(), cpu: 0.5, memoryGiB: 3 },
    pool,
    trigger: FunctionTrigger.s3({ bucket: 'acme-media', prefix: 'frames/', suffix: '.jpg' }),
    messagesPerRun: 10,
    maxParallelRuns: 20,
    timeout: Duration.hours(2),
    results: 's3://acme-media/embeddings/',
    ...props,
  };
}

function objectOf(synth: Synthesized, kind: string, name: string): any {
  const found = kubernetesObjects(synth).filter((o) => o.manifest.kind === kind && o.manifest.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0].manifest;
}

function policyStatementsOf(stack: SynthesizedStack, pathPart: string): any[] {
  const policies = Object.values<any>(resourcesOf(stack, 'aws_iam_role_policy')).filter((p) => p['//'].metadata.path.includes(pathPart));
  expect(policies).toHaveLength(1);
  return JSON.parse(policies[0].policy).Statement;
}


function expectAllValid(synth: Synthesized): void {
  const objects = kubernetesObjects(synth);
  expect(objects.length).toBeGreaterThan(0);
  for (const o of objects) {
    expect({ id: o.id, errors: defaultRegistry().validate(o.manifest) }).toEqual({ id: o.id, errors: [] });
  }
}

describe('GpuFunction on Kubernetes: S3 trigger on a time-sliced L4 pool (EKS, Karpenter)', () => {
  let fn: GpuFunction;
  let synth: Synthesized;
  let infra: SynthesizedStack;
  let workloads: SynthesizedStack;
  let scaledJob: any;
  beforeAll(() => {
    const cluster = eks();
    mediaBucket(cluster);
    fn = new GpuFunction(cluster, 'frames', framesProps(sharedL4(cluster)));
    synth = synthApp(App.of(cluster));
    infra = synth.stack('acme-prod-infra');
    workloads = synth.stack('acme-prod-workloads');
    scaledJob = objectOf(synth, 'ScaledJob', 'frames');
  });

  test('every Kubernetes object validates against the schemas', () => {
    expectAllValid(synth);
    const ours = kubernetesObjects(synth).filter((o) => o.manifest.metadata.namespace === 'frames' || o.manifest.metadata.name === 'frames');
    expect(ours.map((o) => o.manifest.kind).sort()).toEqual(['Namespace', 'NetworkPolicy', 'NetworkPolicy', 'ScaledJob', 'ServiceAccount', 'TriggerAuthentication']);
  });

  test('an encrypted work queue (visibility = timeout) with a dead-letter queue after retries + 1 receives, fed by the bucket notification', () => {
    const queues = resourcesOf(infra, 'aws_sqs_queue');
    const queue = Object.values<any>(queues).find((q) => q.name === 'acme-prod-frames');
    const dlq = Object.values<any>(queues).find((q) => q.name === 'acme-prod-frames-dlq');
    expect(queue).toMatchObject({ sqs_managed_sse_enabled: true, visibility_timeout_seconds: 7200 });
    expect(dlq).toMatchObject({ sqs_managed_sse_enabled: true });
    expect(JSON.parse(queue.redrive_policy).maxReceiveCount).toBe(3);
    const notification = onlyResource(infra, 'aws_s3_bucket_notification');
    expect(notification.bucket).toBe('acme-media');
    expect(notification.queue).toEqual([expect.objectContaining({ filter_prefix: 'frames/', filter_suffix: '.jpg', events: ['s3:ObjectCreated:*'] })]);
    expect(fn.queueArn).toMatch(/^\$\{TfToken/);
  });

  test('the service account gets exactly receive/delete on its queue, get on the input prefix, put on the results prefix', () => {
    const association = Object.values<any>(resourcesOf(infra, 'aws_eks_pod_identity_association')).find((a) => a.namespace === 'frames');
    expect(association).toMatchObject({ namespace: 'frames', service_account: 'frames' });
    const statements = policyStatementsOf(infra, 'frames/Identity-frames-frames');
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'], Resource: [expect.stringMatching(/^\$\{aws_sqs_queue\.frames_Queue_[0-9A-F]+\.arn\}$/)] },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::acme-media/frames/*'] },
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::acme-media/embeddings/*'] },
    ]);
    // EKS Pod Identity: no IRSA annotation on the service account, no token automounted.
    const sa = objectOf(synth, 'ServiceAccount', 'frames');
    expect(sa.metadata.annotations).toBeUndefined();
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('the ScaledJob: aws-sqs-queue trigger, operator identity, scale to zero, history limits, gradual rollout', () => {
    expect(scaledJob.spec).toMatchObject({
      minReplicaCount: 0,
      maxReplicaCount: 20,
      pollingInterval: 30,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 10,
      scalingStrategy: { strategy: 'default' },
      rollout: { strategy: 'gradual' },
    });
    const [trigger] = scaledJob.spec.triggers;
    expect(trigger).toEqual({
      type: 'aws-sqs-queue',
      name: 'queue',
      metadata: {
        queueURL: expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-acme-prod-infra\.outputs\..*url\}$/),
        queueLength: '10',
        awsRegion: 'us-east-1',
        scaleOnInFlight: 'true',
      },
      authenticationRef: { name: 'aws-keda' },
    });
    // KEDA 2.20.2's chart CRD has no metricType: never emit it.
    expect(trigger.metricType).toBeUndefined();
    const auth = objectOf(synth, 'TriggerAuthentication', 'aws-keda');
    expect(auth.metadata.namespace).toBe('frames');
    expect(auth.spec).toEqual({ podIdentity: { provider: 'aws', identityOwner: 'keda' } });
    expect(Object.values<any>(resourcesOf(synth.stack('acme-prod-addons'), 'helm_release')).map((r) => r.name)).toContain('keda');
  });

  test('the job: deadline from the timeout, backoff from the retries, disruptions not counted', () => {
    const job = scaledJob.spec.jobTargetRef;
    expect(job).toMatchObject({
      parallelism: 1,
      completions: 1,
      activeDeadlineSeconds: 7200,
      backoffLimit: 2,
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
    });
  });

  test('the pod: pool selector and tolerations, one GPU share, restricted, never evicted mid-run', () => {
    const template = scaledJob.spec.jobTargetRef.template;
    expect(template.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true', 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' });
    const pod = template.spec;
    expect(pod).toMatchObject({
      serviceAccountName: 'frames',
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      nodeSelector: { 'cdktf-ai-infra/pool': 'l4' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    });
    const [container] = pod.containers;
    expect(container.resources).toEqual({
      requests: { 'cpu': '500m', 'memory': '3Gi', 'nvidia.com/gpu': '1' },
      limits: { 'memory': '3Gi', 'nvidia.com/gpu': '1' },
    });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      [FunctionEnvironment.NAME]: 'frames',
      [FunctionEnvironment.RESULTS_URI]: 's3://acme-media/embeddings/',
      [FunctionEnvironment.INPUT_URI]: 's3://acme-media/frames/',
      [FunctionEnvironment.QUEUE_NAME]: 'acme-prod-frames',
      [FunctionEnvironment.MESSAGES_PER_RUN]: '10',
      [FunctionEnvironment.TIMEOUT_SECONDS]: '7200',
      AWS_REGION: 'us-east-1',
    });
    expect(env[FunctionEnvironment.QUEUE_URL]).toMatch(/terraform_remote_state/);
  });

  test('default-deny network policy plus egress for the function pods', () => {
    expect(objectOf(synth, 'NetworkPolicy', 'default-deny').spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(objectOf(synth, 'NetworkPolicy', 'allow-egress').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'frames', 'app.kubernetes.io/component': 'gpu-function' } },
      policyTypes: ['Egress'],
      egress: [{}],
    });
  });

  test('every namespaced object is applied after its namespace, the TriggerAuthentication too', () => {
    const manifests = resourcesOf(workloads, 'kubernetes_manifest');
    const nsId = Object.entries<any>(manifests).find(([, m]) => m.manifest.kind === 'Namespace' && m.manifest.metadata.name === 'frames')![0];
    const namespaced = Object.values<any>(manifests).filter((m) => m.manifest.metadata.namespace === 'frames');
    expect(namespaced).toHaveLength(5);
    for (const m of namespaced) expect(m.depends_on).toContain(`kubernetes_manifest.${nsId}`);
  });

  test('the escape hatch is the ScaledJob', () => {
    expect((fn.resource as any).terraformResourceType).toBe('kubernetes_manifest');
    expect(fn.resource.node.id).toBe('ScaledJob');
    expect(fn.namespace).toBe('frames');
  });

  test('cold start: KEDA polling + Karpenter provisioning + image pull, with the assumptions stated', () => {
    expect(fn.coldStart.trigger.toSeconds()).toBe(30);
    expect(fn.coldStart.nodeProvisioning.toSeconds()).toBe(120);
    expect(fn.coldStart.imagePull.toSeconds()).toBe(103); // 10 GiB at 100 MiB/s, rounded up
    expect(fn.coldStart.total.toSeconds()).toBe(253);
    expect(fn.coldStart.assumptions).toMatch(/planning figure for karpenter.*10 GiB image pulled at 100 MiB\/s/);
  });

  test('cost per 1,000 items: a quarter of a g6.xlarge per run at the catalog price', () => {
    // g6.xlarge: 4 shares of its L4; 3.5 vCPUs / 0.5 = 7 and 13.9 GiB / 3 = 4 runs fit: 4 runs per node.
    expect(fn.costBasis).toMatchObject({ instanceType: 'g6.xlarge', onDemandUsdPerHour: 0.8048, runsPerInstance: 4, spot: false });
    expect(fn.costBasis!.priceSource).toMatch(/us-east-1 On-Demand/);
    // 1,000 × 2 s = 2,000 s = 0.5556 h × 0.8048 / 4.
    expect(fn.costPer1000Items(Duration.seconds(2))).toBeCloseTo((2000 / 3600) * 0.8048 / 4, 10);
    // Worst case: a cold start per run of 10 items: 100 runs × (120 + 103) s more.
    expect(fn.costPer1000Items(Duration.seconds(2), { includeColdStarts: true })).toBeCloseTo(((2000 + 100 * 223) / 3600) * 0.8048 / 4, 10);
    // An on-demand pool ignores a spot discount.
    expect(fn.costPer1000Items(Duration.seconds(2), { spotDiscount: 0.6 })).toBeCloseTo((2000 / 3600) * 0.8048 / 4, 10);
  });
});

describe('GpuFunction on Kubernetes: SQS trigger', () => {
  test('an existing queue by ARN: URL derived, permissions on that queue only, whole GPUs', () => {
    const cluster = eks();
    const pool = exclusiveL4(cluster);
    const fn = new GpuFunction(cluster, 'embed', framesProps(pool, {
      trigger: FunctionTrigger.sqs(QUEUE_ARN),
      resources: { gpu: GpuRequest.whole(1), cpu: 3, memoryGiB: 12, ephemeralStorageGiB: 50 },
      maxParallelRuns: undefined,
      input: 's3://acme-media/frames/',
      runAsUser: 1000,
    }));
    expect(fn.maxParallelRuns).toBe(4); // the pool's 4 nodes × 1 GPU
    expect(fn.queueUrl).toBe('https://sqs.us-east-1.amazonaws.com/123456789012/acme-jobs');
    const synth = synthApp(App.of(cluster));
    expectAllValid(synth);
    const infra = synth.stack('acme-prod-infra');
    expect(Object.values<any>(resourcesOf(infra, 'aws_sqs_queue')).map((q) => q.name)).toEqual(['acme-prod-karpenter']);
    expect(policyStatementsOf(infra, 'embed/Identity-embed-embed')[0]).toEqual({
      Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'], Resource: [QUEUE_ARN],
    });
    const job = objectOf(synth, 'ScaledJob', 'embed');
    expect(job.spec.triggers[0].metadata).toMatchObject({ queueURL: 'https://sqs.us-east-1.amazonaws.com/123456789012/acme-jobs', queueLength: '10' });
    const pod = job.spec.jobTargetRef.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod.containers[0].resources).toEqual({
      requests: { 'cpu': '3', 'memory': '12Gi', 'ephemeral-storage': '50Gi', 'nvidia.com/gpu': '1' },
      limits: { 'memory': '12Gi', 'ephemeral-storage': '50Gi', 'nvidia.com/gpu': '1' },
    });
    expect(fn.node.metadata.map((m) => m.data).join('\n')).toMatch(/queue acme-jobs is not managed here: give it a visibility timeout ≥ 2 hours/);
  });

  test('a queue by name: the URL is looked up at run time (GetQueueUrl allowed), KEDA gets the name', () => {
    const cluster = eks();
    const fn = new GpuFunction(cluster, 'embed', framesProps(sharedL4(cluster), { trigger: FunctionTrigger.sqs('acme-jobs') }));
    expect(fn.queueUrl).toBeUndefined();
    const synth = synthApp(App.of(cluster));
    expect(policyStatementsOf(synth.stack('acme-prod-infra'), 'embed/Identity-embed-embed')[0]).toEqual({
      Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl'], Resource: ['arn:aws:sqs:us-east-1:*:acme-jobs'],
    });
    const job = objectOf(synth, 'ScaledJob', 'embed');
    expect(job.spec.triggers[0].metadata.queueURL).toBe('acme-jobs');
    expect(job.spec.jobTargetRef.template.spec.containers[0].env.map((e: any) => e.name)).not.toContain(FunctionEnvironment.QUEUE_URL);
  });

  test('an S3 trigger on a bucket owned elsewhere consumes the queue given, and leaves the bucket alone', () => {
    const cluster = eks();
    new GpuFunction(cluster, 'frames', framesProps(sharedL4(cluster), {
      trigger: FunctionTrigger.s3({ bucket: 'partner-media', prefix: 'in/', queue: QUEUE_ARN }),
    }));
    const synth = synthApp(App.of(cluster));
    const infra = synth.stack('acme-prod-infra');
    expect(resourcesOf(infra, 'aws_s3_bucket_notification')).toEqual({});
    expect(policyStatementsOf(infra, 'frames/Identity-frames-frames').map((s) => s.Resource[0])).toEqual([QUEUE_ARN, 'arn:aws:s3:::partner-media/in/*', 'arn:aws:s3:::acme-media/embeddings/*']);
  });
});

describe('GpuFunction on Kubernetes: schedule trigger', () => {
  test('a CronJob (UTC, never overlapping), list + get on the input prefix, no queue, no KEDA', () => {
    const cluster = eks({ karpenter: false });
    const fn = new GpuFunction(cluster, 'nightly', {
      image: 'acme/eval:2.0.1',
      command: ['python', 'eval.py'],
      args: ['--all'],
      env: { MODEL: 'recs-v7' },
      resources: { gpu: GpuRequest.whole(1), cpu: 3, memoryGiB: 12 },
      pool: exclusiveL4(cluster),
      trigger: FunctionTrigger.schedule('0 2 * * *'),
      timeout: Duration.hours(20),
      input: 's3://acme-media/frames/',
      results: 's3://acme-media/reports/',
    });
    const synth = synthApp(App.of(cluster));
    expectAllValid(synth);
    const cron = objectOf(synth, 'CronJob', 'nightly');
    expect(cron.spec).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 10 });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ activeDeadlineSeconds: 72000, backoffLimit: 2 });
    const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
    expect(container).toMatchObject({ command: ['python', 'eval.py'], args: ['--all'] });
    expect(container.env.at(-1)).toEqual({ name: 'MODEL', value: 'recs-v7' });
    expect(kubernetesObjects(synth).map((o) => o.manifest.kind)).not.toContain('TriggerAuthentication');
    expect(Object.values<any>(resourcesOf(synth.stack('acme-prod-addons'), 'helm_release')).map((r) => r.name)).not.toContain('keda');
    expect(policyStatementsOf(synth.stack('acme-prod-infra'), 'nightly/Identity-nightly-nightly')).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::acme-media/frames/*'] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::acme-media'], Condition: { StringLike: { 's3:prefix': ['frames/*'] } } },
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::acme-media/reports/*'] },
    ]);
    expect(fn.maxParallelRuns).toBe(1);
    // Managed node groups + Cluster Autoscaler; no KEDA polling.
    expect(fn.coldStart.trigger.toSeconds()).toBe(0);
    expect(fn.coldStart.nodeProvisioning.toMinutes()).toBe(4);
    expect((fn.resource as any).terraformResourceType).toBe('kubernetes_manifest');
  });
});

describe('GpuFunction on an existing cluster', () => {
  function lab(): ExistingCluster {
    return new AiPlatform(testApp(), 'acme').addExistingCluster('lab', {
      awsRegion: 'eu-central-1', workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-creds'),
    });
  }

  test('queue in the platform AWS stack, credentials from the secret for the pods and for KEDA', () => {
    const cluster = lab();
    const pool = GpuNodePool.fromExistingNodes(cluster, 'a100', {
      accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' }, gpus: 16,
    });
    new SecureBucket(cluster.cloudScopeFor(cluster) as any, 'Media', { bucketName: 'acme-media' });
    const fn = new GpuFunction(cluster, 'frames', framesProps(pool, { resources: { gpu: GpuRequest.whole(2), cpu: 16, memoryGiB: 120 }, maxParallelRuns: 8 }));
    const synth = synthApp(App.of(cluster));
    expectAllValid(synth);
    const aws = synth.stack('acme-aws-eu-central-1');
    // The queue URL crosses stacks: the workloads stack is applied after the AWS stack.
    expect(synth.stack('acme-lab-workloads').dependencies).toContain('acme-aws-eu-central-1');
    expect(Object.values<any>(resourcesOf(aws, 'aws_sqs_queue')).map((q) => q.name).sort()).toEqual(['acme-lab-frames', 'acme-lab-frames-dlq']);
    expect(onlyResource(aws, 'aws_s3_bucket_notification').queue[0].filter_prefix).toBe('frames/');
    const job = objectOf(synth, 'ScaledJob', 'frames');
    expect(job.spec.triggers[0].metadata.awsRegion).toBe('eu-central-1');
    const env = job.spec.jobTargetRef.template.spec.containers[0].env;
    expect(env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.optional])).toEqual([
      ['AWS_ACCESS_KEY_ID', 'aws-creds', undefined], ['AWS_SECRET_ACCESS_KEY', 'aws-creds', undefined], ['AWS_SESSION_TOKEN', 'aws-creds', true],
    ]);
    expect(objectOf(synth, 'TriggerAuthentication', 'aws-keda').spec.secretTargetRef[0]).toMatchObject({ name: 'aws-creds' });
    expect(job.spec.jobTargetRef.template.spec.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
    // Existing nodes: no provisioning, no price (on-prem).
    expect(fn.coldStart.nodeProvisioning.toSeconds()).toBe(0);
    expect(fn.costBasis).toBeUndefined();
    expect(fn.costPer1000Items(Duration.seconds(1))).toBeUndefined();
    expect(fn.node.metadata.map((m) => m.data).join('\n')).toMatch(/create secret aws-creds in namespace frames/);
  });

  test('IRSA-style roles annotate the service account', () => {
    const cluster = new AiPlatform(testApp(), 'acme').addExistingCluster('lab', {
      awsRegion: 'eu-central-1', workloadIdentity: ExistingWorkloadIdentity.roles({ 'nightly/nightly': 'arn:aws:iam::123456789012:role/nightly' }),
    });
    const pool = GpuNodePool.fromExistingNodes(cluster, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { gpu: 'a100' }, gpus: 8 });
    new GpuFunction(cluster, 'nightly', framesProps(pool, {
      resources: { gpu: GpuRequest.whole(1), cpu: 8, memoryGiB: 60 }, trigger: FunctionTrigger.schedule('@daily'), messagesPerRun: undefined, maxParallelRuns: undefined,
    }));
    const synth = synthApp(App.of(cluster));
    expect(objectOf(synth, 'ServiceAccount', 'nightly').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/nightly' });
  });
});

describe('GpuFunction: cost and cold start options', () => {
  test('spot discount applies to spot pools only when given; assumptions can be replaced', () => {
    // Managed node groups (Karpenter pools have no minimum).
    const cluster = eks({ karpenter: false });
    const pool = exclusiveL4(cluster, { capacity: Capacity.spot(), minNodes: 1, instanceTypes: ['g6.12xlarge'] });
    const fn = new GpuFunction(cluster, 'embed', framesProps(pool, {
      trigger: FunctionTrigger.sqs(QUEUE_ARN),
      resources: { gpu: GpuRequest.whole(1), cpu: 10, memoryGiB: 40 },
      maxParallelRuns: 16,
      coldStartAssumptions: { imageSizeGiB: 4, imagePullMiBps: 256 },
    }));
    // g6.12xlarge: 4 L4s, 47.5 vCPUs / 10 = 4, 172.3 GiB / 40 = 4: 4 runs at 4.6016 / 4 per hour.
    expect(fn.costBasis).toMatchObject({ instanceType: 'g6.12xlarge', runsPerInstance: 4, spot: true });
    const hourly = 4.6016 / 4;
    expect(fn.costPer1000Items(Duration.minutes(1))).toBeCloseTo((1000 / 60) * hourly, 10);
    expect(fn.costPer1000Items(Duration.minutes(1), { spotDiscount: 0.6 })).toBeCloseTo((1000 / 60) * hourly * 0.4, 10);
    // The pool keeps a node: no provisioning; 4 GiB at 256 MiB/s = 16 s.
    expect(fn.coldStart.nodeProvisioning.toSeconds()).toBe(0);
    expect(fn.coldStart.imagePull.toSeconds()).toBe(16);
    const given = new GpuFunction(cluster, 'embed2', framesProps(pool, {
      trigger: FunctionTrigger.sqs(QUEUE_ARN),
      resources: { gpu: GpuRequest.whole(1), cpu: 10, memoryGiB: 40 },
      maxParallelRuns: 1,
      coldStartAssumptions: { nodeProvisioning: Duration.seconds(90) },
    }));
    expect(given.coldStart.nodeProvisioning.toSeconds()).toBe(90);
    expect(given.coldStart.assumptions).toMatch(/node provisioning 1 minute 30 seconds \(given\)/);
  });

  test('a warning when CPU or memory leave GPU shares idle', () => {
    const cluster = eks();
    const fn = new GpuFunction(cluster, 'frames', framesProps(sharedL4(cluster, { instanceTypes: ['g6.xlarge'] }), {
      trigger: FunctionTrigger.sqs(QUEUE_ARN), resources: { gpu: GpuRequest.shared(), cpu: 1.5, memoryGiB: 3 },
    }));
    expect(fn.costBasis!.runsPerInstance).toBe(2);
    expect(fn.node.metadata.map((m) => m.data).join('\n')).toMatch(/g6\.xlarge node of pool l4 offers 4 nvidia\.com\/gpu units but fits only 2 runs/);
  });

  test('a warning for an unpinned image', () => {
    const cluster = eks();
    const fn = new GpuFunction(cluster, 'frames', framesProps(sharedL4(cluster), { trigger: FunctionTrigger.sqs(QUEUE_ARN), image: 'acme/frames:latest' }));
    expect(fn.node.metadata.map((m) => m.data).join('\n')).toMatch(/image acme\/frames:latest is not pinned/);
  });
});

describe('GpuFunction validation', () => {
  const P = 'acme/prod/fn';
  type PoolPick = (cluster: EksCluster) => IGpuNodePool;
  const shared: PoolPick = (c) => sharedL4(c);
  const exclusive: PoolPick = (c) => exclusiveL4(c);
  /** A function `fn` on a fresh cluster (a failed construct leaves a half-built child behind). */
  const make = (props: Partial<GpuFunctionProps>, pick: PoolPick = shared) => {
    const cluster = eks();
    return new GpuFunction(cluster, 'fn', framesProps(pick(cluster), { trigger: FunctionTrigger.sqs(QUEUE_ARN), ...props }));
  };

  test('throws when the timeout is beyond what a queue-driven run on Kubernetes allows (12 h)', () => {
    expectConfigError(() => make({ timeout: Duration.hours(13) }), { path: P, field: 'timeout', received: '13 hours', expected: /to 12 hours for a queue-driven function on Kubernetes \(SQS cannot hide a message for longer than 12 hours/ });
  });

  test('throws when the timeout is beyond 24 h, below 1 minute or not whole seconds', () => {
    const scheduled = { trigger: FunctionTrigger.schedule('@daily'), messagesPerRun: undefined, maxParallelRuns: undefined };
    expectConfigError(() => make({ ...scheduled, timeout: Duration.hours(25) }), { path: P, field: 'timeout', received: '1 day 1 hour', expected: /1 day/ });
    expectConfigError(() => make({ timeout: Duration.seconds(30) }), { path: P, field: 'timeout', received: '30 seconds' });
    expectConfigError(() => make({ timeout: Duration.millis(90500) }), { path: P, field: 'timeout', received: '1 minute 30 seconds 500 milliseconds' });
  });

  test('throws when max parallel runs exceed what the pool can host', () => {
    // 10 nodes × 1 L4 × 4 shares = 40 runs.
    expectConfigError(() => make({ maxParallelRuns: 41 }), { path: P, field: 'maxParallelRuns', received: 41, expected: /at most 40: 41 runs × 1 nvidia.com\/gpu = 41 units, but pool l4 hosts at most 40/ });
    expectConfigError(() => make({ maxParallelRuns: 3, resources: { gpu: GpuRequest.whole(2), cpu: 4, memoryGiB: 16 } }, exclusive), { path: P, field: 'maxParallelRuns', received: 3, expected: /at most 2/ });
    expectConfigError(() => make({ maxParallelRuns: 0 }), { path: P, field: 'maxParallelRuns', received: 0 });
  });

  test('throws when a schedule is given max parallel runs or messages per run', () => {
    expectConfigError(() => make({ trigger: FunctionTrigger.schedule('@daily'), messagesPerRun: undefined, maxParallelRuns: 2 }), { path: P, field: 'maxParallelRuns', received: 2 });
    expectConfigError(() => make({ trigger: FunctionTrigger.schedule('@daily'), maxParallelRuns: undefined }), { path: P, field: 'messagesPerRun', received: 10 });
  });

  test('throws when the GPU request does not match the pool sharing resource', () => {
    expectConfigError(() => make({ resources: { gpu: GpuRequest.whole(1), cpu: 1, memoryGiB: 2 } }), {
      path: P, field: 'resources.gpu', received: 'whole(1)', expected: /GpuRequest.shared\(\): pool l4 shares each GPU \(timeSlicing\(4\)\)/,
    });
    expectConfigError(() => make({ resources: { gpu: GpuRequest.shared(), cpu: 1, memoryGiB: 2 } }, exclusive), {
      path: P, field: 'resources.gpu', received: 'shared()', expected: /GpuRequest.whole\(n\): pool l4x gives whole devices/,
    });
    expect(() => GpuRequest.whole(0)).toThrow(/invalid resources.gpu: received 0/);
    expect(() => GpuRequest.whole(1.5)).toThrow(/invalid resources.gpu: received 1.5/);
  });

  test('throws when the requests fit on none of the pool instance types', () => {
    expectConfigError(() => make({ resources: { gpu: GpuRequest.whole(16), cpu: 4, memoryGiB: 16 }, maxParallelRuns: 1 }, (c) => new GpuNodePool(c, 'big', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 4 })), {
      path: P, field: 'resources', received: { gpu: 'whole(16)', cpu: 4, memoryGiB: 16 }, expected: /g6.48xlarge: 8 nvidia.com\/gpu, 192 vCPUs, 768 GiB/,
    });
    // g6.xlarge keeps 16 × 0.9 − 0.5 = 13.9 GiB for pods.
    const small: PoolPick = (c) => new GpuNodePool(c, 'small', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 2, sharing: GpuSharing.timeSlicing(4), instanceTypes: ['g6.xlarge'] });
    expectConfigError(() => make({ resources: { gpu: GpuRequest.shared(), cpu: 1, memoryGiB: 15 }, maxParallelRuns: 8 }, small), {
      path: P, field: 'resources', received: { gpu: 'shared()', cpu: 1, memoryGiB: 15 },
    });
  });

  test('throws when cpu, memory or ephemeral storage are not positive numbers', () => {
    expectConfigError(() => make({ resources: { gpu: GpuRequest.shared(), cpu: 0, memoryGiB: 2 } }), { path: P, field: 'resources.cpu', received: 0 });
    expectConfigError(() => make({ resources: { gpu: GpuRequest.shared(), cpu: 1, memoryGiB: -1 } }), { path: P, field: 'resources.memoryGiB', received: -1 });
    expectConfigError(() => make({ resources: { gpu: GpuRequest.shared(), cpu: 1, memoryGiB: 2, ephemeralStorageGiB: 0 } }), { path: P, field: 'resources.ephemeralStorageGiB', received: 0 });
  });

  test('throws when an S3 trigger names a bucket the program does not own, without an explicit queue', () => {
    expectConfigError(() => make({ trigger: FunctionTrigger.s3({ bucket: 'partner-media', prefix: 'in/' }) }), {
      path: P, field: 'trigger.bucket', received: 'partner-media', expected: /a bucket this program defines, or an explicit queue.*pass queue/,
    });
    // configureNotifications opts in explicitly (this program then owns the bucket's notifications).
    const fn = make({ trigger: FunctionTrigger.s3({ bucket: 'partner-media', prefix: 'in/', configureNotifications: true }) });
    expect(fn.queueArn).toBeDefined();
    expect(() => FunctionTrigger.s3({ bucket: 'partner-media', queue: QUEUE_ARN, configureNotifications: true })).toThrow(/invalid trigger.queue.*not both/);
    expect(() => FunctionTrigger.s3({ bucket: 'Partner_Media' })).toThrow(/invalid trigger.bucket/);
    expect(() => FunctionTrigger.s3({ bucket: Lazy.stringValue({ produce: () => 'acme-media' }) })).toThrow(/a literal bucket name/);
    expect(() => FunctionTrigger.s3({ bucket: 'acme-media', prefix: '/frames/' })).toThrow(/invalid trigger.prefix/);
    expect(() => FunctionTrigger.s3({ bucket: 'acme-media', queue: 'acme-jobs' })).toThrow(/invalid trigger.queue.*SQS queue ARN/);
  });

  test('throws when messages per run or retries are out of range', () => {
    expectConfigError(() => make({ messagesPerRun: 0 }), { path: P, field: 'messagesPerRun', received: 0 });
    expectConfigError(() => make({ messagesPerRun: 2.5 }), { path: P, field: 'messagesPerRun', received: 2.5 });
    expectConfigError(() => make({ retries: -1 }), { path: P, field: 'retries', received: -1 });
    expectConfigError(() => make({ retries: 1.5 }), { path: P, field: 'retries', received: 1.5 });
  });

  test('throws when the pool belongs to another cluster', () => {
    const cluster = eks();
    const other = cluster.platform.addEksCluster('other', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, vpcCidr: '10.1.0.0/16' });
    expectConfigError(() => new GpuFunction(other, 'fn', framesProps(sharedL4(cluster), { trigger: FunctionTrigger.sqs(QUEUE_ARN) })), {
      path: 'acme/other/fn', field: 'pool', received: 'acme/prod/l4', expected: /a pool of acme\/other/,
    });
  });

  test('throws when KEDA on EKS could not read the queue (not a platform queue, or another region)', () => {
    expectConfigError(() => make({ trigger: FunctionTrigger.sqs('arn:aws:sqs:us-east-1:123456789012:jobs') }), {
      path: P, field: 'trigger', received: 'arn:aws:sqs:us-east-1:123456789012:jobs', expected: /starts with "acme-".*acme-\*/,
    });
    expectConfigError(() => make({ trigger: FunctionTrigger.sqs('arn:aws:sqs:eu-west-1:123456789012:acme-jobs') }), {
      path: P, field: 'trigger', received: 'arn:aws:sqs:eu-west-1:123456789012:acme-jobs', expected: /a queue in us-east-1/,
    });
  });

  test('throws when a queue is named on a cluster without an AWS region', () => {
    const lab = new AiPlatform(testApp(), 'acme').addExistingCluster('lab', { workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-creds') });
    const pool = GpuNodePool.fromExistingNodes(lab, 'gpus', { accelerator: Accelerator.NVIDIA_L4, nodeSelector: { gpu: 'l4' }, gpus: 4 });
    expectConfigError(() => new GpuFunction(lab, 'fn', framesProps(pool, { trigger: FunctionTrigger.sqs('acme-jobs'), resources: { gpu: GpuRequest.whole(1), cpu: 1, memoryGiB: 2 }, maxParallelRuns: 4 })), {
      path: 'acme/lab/fn', field: 'trigger', received: 'acme-jobs', expected: /the queue ARN/,
    });
  });

  test('throws when the container is not described well', () => {
    expectConfigError(() => make({ command: [] }), { path: P, field: 'command', received: [] });
    expectConfigError(() => make({ image: 'acme frames' }), { path: P, field: 'image', received: 'acme frames' });
    expectConfigError(() => make({ env: { GPU_FUNCTION_NAME: 'x' } }), { path: P, field: 'env.GPU_FUNCTION_NAME', received: 'GPU_FUNCTION_NAME' });
    expectConfigError(() => make({ env: { '1BAD': 'x' } }), { path: P, field: 'env.1BAD', received: '1BAD' });
    expectConfigError(() => make({ runAsUser: 0 }), { path: P, field: 'runAsUser', received: 0 });
    expectConfigError(() => make({ pollingInterval: Duration.millis(500) }), { path: P, field: 'pollingInterval', received: '500 milliseconds' });
  });

  test('throws when results or input are not S3 prefixes', () => {
    expectConfigError(() => make({ results: 's3://acme-media' }), { path: P, field: 'results', received: 's3://acme-media', expected: /not a whole bucket/ });
    expectConfigError(() => make({ results: 'acme-media/out/' }), { path: P, field: 'results', received: 'acme-media/out/' });
    expectConfigError(() => make({ input: 'https://example.com/x' }), { path: P, field: 'input', received: 'https://example.com/x' });
  });

  test('throws when the id is not a DNS label, or the triggers are malformed', () => {
    const cluster = eks();
    expectConfigError(() => new GpuFunction(cluster, 'Frames', framesProps(sharedL4(cluster))), { path: 'acme/prod/Frames', field: 'id', received: 'Frames' });
    expect(() => FunctionTrigger.sqs('arn:aws:sqs:us-east-1:123456789012:acme-jobs.fifo')).toThrow(/FIFO queues are not supported/);
    expect(() => FunctionTrigger.sqs('not a queue')).toThrow(/invalid trigger.queue/);
  });

  test('throws when cost options are out of range', () => {
    const fn = make({});
    expectConfigError(() => fn.costPer1000Items(Duration.seconds(1), { spotDiscount: 1 }), { path: P, field: 'spotDiscount', received: 1 });
    expectConfigError(() => make({ coldStartAssumptions: { imageSizeGiB: 0 } }), { path: P, field: 'coldStartAssumptions.imageSizeGiB', received: 0 });
    expectConfigError(() => make({ coldStartAssumptions: { imagePullMiBps: -5 } }), { path: P, field: 'coldStartAssumptions.imagePullMiBps', received: -5 });
  });
});

const tfEnv = terraformEnv();
const maybe = skipLoudlyUnlessCi('offline terraform plan of a GpuFunction on EKS', tfEnv.missing) ? test.skip : test;

describe('GpuFunction offline plan', () => {
  maybe('the infra stack of an EKS cluster with an S3-triggered function plans offline', () => {
    const cluster = eks();
    mediaBucket(cluster);
    new GpuFunction(cluster, 'frames', framesProps(sharedL4(cluster)));
    const json = synthApp(App.of(cluster)).stack('acme-prod-infra').json;
    expect(unplannableReason(json, tfEnv)).toBeUndefined();
    const result = planOffline(json, { validate: false });
    if (!result.ok) console.error(result.output.slice(-4000));
    expect(result.failedStep).toBeUndefined();
    const planned = result.plannedResources.map((r) => r.address);
    expect(planned).toEqual(expect.arrayContaining([
      expect.stringMatching(/^aws_sqs_queue\.frames_Queue_/),
      expect.stringMatching(/^aws_sqs_queue\.frames_QueueDeadLetter_/),
      expect.stringMatching(/^aws_s3_bucket_notification\./),
      expect.stringMatching(/^aws_eks_pod_identity_association\.frames_Identity-frames-frames_Association_/),
    ]));
  }, 180_000);
});
