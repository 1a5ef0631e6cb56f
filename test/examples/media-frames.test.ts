/**
 * examples/media-frames, synthesized once by its own app command: bursty GPU functions on a
 * time-sliced spot L4 pool that scales to zero, beside a steady endpoint on on-demand capacity.
 */
import { cleanUp, envOf, objectOf, projection, synthExample } from './support';
import { kubernetesObjects, onlyResource, resourcesOf, Synthesized } from '../support/synth';

let synth: Synthesized;
beforeAll(() => {
  synth = synthExample('media-frames');
}, 60_000);
afterAll(() => cleanUp(synth));

const infra = () => synth.stack('acme-media-prod-infra');
const groupsOf = (pool: string) => Object.values<any>(resourcesOf(infra(), 'aws_eks_node_group')).filter((g) => g.labels?.['cdktf-ai-infra/pool'] === pool);

test('snapshot: stacks, dependencies, resource counts per type, Helm releases and Kubernetes objects', () => {
  expect(projection(synth)).toMatchSnapshot();
});

test('frames pool: spot and on-demand fallback node groups from zero, node template counting four time-sliced shares', () => {
  expect(groupsOf('frames-l4').map((g) => [g.capacity_type, g.scaling_config.min_size, g.scaling_config.max_size, g.instance_types])).toEqual([
    // One instance shape per managed node group (Cluster Autoscaler).
    ['SPOT', 0, 10, ['g6.xlarge']], ['ON_DEMAND', 0, 10, ['g6.xlarge']],
  ]);
  const templateTags = Object.values<any>(resourcesOf(infra(), 'aws_autoscaling_group_tag')).map((t) => t.tag)
    .filter((t) => t.key === 'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu');
  // Two frames groups (4 shares per node) and the serving group (1 whole GPU per node).
  expect(templateTags.map((t) => t.value).sort()).toEqual(['1', '4', '4']);
});

test('frame-embed: S3 frames → encrypted queue with DLQ → KEDA ScaledJob of shared-GPU runs, from zero to forty', () => {
  const n = onlyResource(infra(), 'aws_s3_bucket_notification');
  expect(n.bucket).toBe('acme-media-ingest');
  expect(n.queue).toEqual([expect.objectContaining({ events: ['s3:ObjectCreated:*'], filter_prefix: 'frames/', filter_suffix: '.jpg' })]);
  const queues = Object.values<any>(resourcesOf(infra(), 'aws_sqs_queue'));
  const main = queues.find((q) => q.name === 'acme-media-prod-frame-embed');
  // The visibility timeout covers a run (30 minutes); a message goes to the DLQ after retries + 1 receives.
  expect(main.visibility_timeout_seconds).toBe(1800);
  expect(JSON.parse(main.redrive_policy).maxReceiveCount).toBe(3);
  expect(queues.map((q) => q.name).sort()).toEqual(['acme-media-prod-frame-embed', 'acme-media-prod-frame-embed-dlq']);

  const sj = objectOf(synth, 'ScaledJob', 'frame-embed', 'frame-embed');
  expect(sj.spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 40, pollingInterval: 30 });
  expect(sj.spec.triggers).toHaveLength(1);
  expect(sj.spec.triggers[0]).toMatchObject({ type: 'aws-sqs-queue', authenticationRef: { name: 'aws-keda' }, metadata: { awsRegion: 'us-east-1', queueLength: '10' } });
  const job = sj.spec.jobTargetRef;
  expect(job).toMatchObject({ activeDeadlineSeconds: 1800, backoffLimit: 2 });
  const pod = job.template.spec;
  expect(pod.nodeSelector).toEqual({ 'cdktf-ai-infra/pool': 'frames-l4' });
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
  expect(pod.containers[0].resources).toEqual({ requests: { 'cpu': '500m', 'memory': '3Gi', 'nvidia.com/gpu': '1' }, limits: { 'memory': '3Gi', 'nvidia.com/gpu': '1' } });
  expect(envOf(pod.containers[0])).toMatchObject({ GPU_FUNCTION_MESSAGES_PER_RUN: '10', GPU_FUNCTION_RESULTS_URI: 's3://acme-media-derived/embeddings/' });
  // A run lost to a spot reclaim does not count as a failure.
  expect(job.podFailurePolicy.rules).toEqual([{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }]);
});

test('frame-embed may read the frames and write only its results prefix', () => {
  const policies = Object.values<any>(resourcesOf(infra(), 'aws_iam_role_policy')).filter((p) => p['//'].metadata.path.includes('/frame-embed/'));
  const statements = policies.flatMap((p) => JSON.parse(p.policy).Statement);
  const writes = statements.filter((s) => s.Action.includes('s3:PutObject'));
  expect(writes.flatMap((s) => s.Resource)).toEqual(['arn:aws:s3:::acme-media-derived/embeddings/*']);
  const reads = statements.filter((s) => s.Action.includes('s3:GetObject'));
  expect(reads.flatMap((s) => s.Resource)).toEqual(['arn:aws:s3:::acme-media-ingest/frames/*']);
});

test('nightly-index: a CronJob at 03:00 UTC, one run at a time, with its checkpoint prefix under its results', () => {
  const cron = objectOf(synth, 'CronJob', 'nightly-index', 'nightly-index');
  expect(cron.spec).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
  const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
  expect(envOf(c)).toMatchObject({ CHECKPOINT_DIR: 's3://acme-media-derived/index/_checkpoints/', GPU_FUNCTION_INPUT_URI: 's3://acme-media-derived/embeddings/' });
});

test('captions: KServe Standard mode on two always-on on-demand L4 nodes, KEDA on vLLM\'s queue plus a business-hours floor of four', () => {
  expect(groupsOf('serve-l4').map((g) => [g.capacity_type, g.scaling_config.min_size, g.scaling_config.max_size])).toEqual([['ON_DEMAND', 2, 6]]);
  const isvc = objectOf(synth, 'InferenceService', 'captions', 'captions');
  expect(isvc.metadata.annotations).toMatchObject({ 'serving.kserve.io/deploymentMode': 'Standard', 'serving.kserve.io/autoscalerClass': 'external' });
  expect(isvc.spec.predictor).toMatchObject({ minReplicas: 2, maxReplicas: 6, nodeSelector: { 'cdktf-ai-infra/pool': 'serve-l4' } });
  const so = objectOf(synth, 'ScaledObject', 'captions-predictor', 'captions');
  expect(so.spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 6 });
  expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBe(900);
  expect(so.spec.triggers.map((t: any) => t.type)).toEqual(['prometheus', 'cron']);
  expect(so.spec.triggers[0].metadata).toMatchObject({ serverAddress: 'http://prometheus-operated.monitoring.svc:9090', threshold: '16' });
  expect(so.spec.triggers[1].metadata).toEqual({ desiredReplicas: '4', start: '0 8 * * 1-5', end: '0 19 * * 1-5', timezone: 'America/New_York' });
  expect(objectOf(synth, 'PodDisruptionBudget', 'captions', 'captions').spec.minAvailable).toBe(1);
  // No node-local model cache on the tainted L4 nodes (KServe v0.20.0 download Jobs have no tolerations).
  expect(kubernetesObjects(synth).filter((o) => o.manifest.kind === 'LocalModelCache')).toEqual([]);
});

test('budget of 25,000 USD a month; no bucket is created (the media buckets exist outside this program)', () => {
  expect(onlyResource(infra(), 'aws_budgets_budget').limit_amount).toBe('25000.00');
  expect(resourcesOf(infra(), 'aws_s3_bucket')).toEqual({});
});
