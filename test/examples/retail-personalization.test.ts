/**
 * examples/retail-personalization, synthesized once by its own app command: gang-scheduled training
 * on spot GPUs through a Kueue team queue with spot and on-demand flavors, and scale-to-zero
 * real-time endpoints.
 */
import { bucketProtections, cleanUp, envOf, jobSetOf, objectOf, projection, PROTECTED_BUCKET, synthExample } from './support';
import { kubernetesObjects, onlyResource, resourcesOf, Synthesized } from '../support/synth';

let synth: Synthesized;
beforeAll(() => {
  synth = synthExample('retail-personalization');
}, 60_000);
afterAll(() => cleanUp(synth));

test('snapshot: stacks, dependencies, resource counts per type, Helm releases and Kubernetes objects', () => {
  expect(projection(synth)).toMatchSnapshot();
});

test('training capacity: two Karpenter NodePools of g6e.12xlarge, spot only and on-demand only, each a Kueue flavor', () => {
  const capacityTypes = (name: string) => objectOf(synth, 'NodePool', name).spec.template.spec.requirements
    .find((r: any) => r.key === 'karpenter.sh/capacity-type').values;
  expect(capacityTypes('l40s')).toEqual(['spot']);
  expect(capacityTypes('l40s-od')).toEqual(['on-demand']);
  expect(objectOf(synth, 'NodePool', 'l40s').spec.limits).toEqual({ 'nodes': '4', 'nvidia.com/gpu': '16' });
  expect(objectOf(synth, 'ResourceFlavor', 'l40s-spot').spec.nodeLabels).toEqual({ 'cdktf-ai-infra/pool': 'l40s' });
  expect(objectOf(synth, 'ResourceFlavor', 'l40s-od-on-demand').spec.nodeLabels).toEqual({ 'cdktf-ai-infra/pool': 'l40s-od' });
});

test('one team ClusterQueue in cohort "retail": spot flavor first, quotas sized from the gangs, both pipelines\' namespaces admitted', () => {
  const cq = objectOf(synth, 'ClusterQueue', 'personalization');
  expect(kubernetesObjects(synth).filter((o) => o.manifest.kind === 'ClusterQueue')).toHaveLength(1);
  expect(cq.spec.cohortName).toBe('retail');
  expect(cq.spec.preemption).toEqual({ reclaimWithinCohort: 'Any', withinClusterQueue: 'LowerPriority' });
  expect(cq.spec.namespaceSelector.matchExpressions[0].values).toEqual(['session-ranker-train', 'two-tower']);
  expect(cq.spec.resourceGroups).toEqual([{
    coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
    flavors: [
      // 16 GPUs at 8 CPUs and 64 GiB per GPU (the two-tower gang's request per GPU).
      { name: 'l40s-spot', resources: [{ name: 'cpu', nominalQuota: '128' }, { name: 'memory', nominalQuota: '1024Gi' }, { name: 'nvidia.com/gpu', nominalQuota: '16' }] },
      { name: 'l40s-od-on-demand', resources: [{ name: 'cpu', nominalQuota: '32' }, { name: 'memory', nominalQuota: '256Gi' }, { name: 'nvidia.com/gpu', nominalQuota: '8' }] },
    ],
  }]);
  for (const ns of ['two-tower', 'session-ranker-train']) expect(objectOf(synth, 'LocalQueue', ns, ns).spec).toEqual({ clusterQueue: 'personalization' });
});

test('two-tower: a JobSet gang of 4 × 4 spot GPUs, queue and priority labels, do-not-disrupt, S3 checkpoints, restarts whole after a reclaim', () => {
  const js = jobSetOf(objectOf(synth, 'WorkflowTemplate', 'two-tower', 'two-tower'));
  expect(js.apiVersion).toBe('jobset.x-k8s.io/v1alpha2');
  expect(js.metadata.labels).toMatchObject({ 'kueue.x-k8s.io/queue-name': 'two-tower', 'kueue.x-k8s.io/priority-class': 'two-tower-two-tower' });
  expect(js.spec.failurePolicy.rules[0]).toEqual({ name: 'DisruptedResumeFromCheckpoint', action: 'RestartJobSetAndIgnoreMaxRestarts', onJobFailureReasons: ['PodFailurePolicy'] });
  const job = js.spec.replicatedJobs[0].template.spec;
  expect(job).toMatchObject({ parallelism: 4, completions: 4, completionMode: 'Indexed' });
  const pod = job.template;
  expect(pod.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
  expect(pod.spec.nodeSelector).toEqual({ 'cdktf-ai-infra/pool': 'l40s' });
  expect(pod.spec.containers[0].resources).toEqual({
    requests: { 'cpu': '32', 'memory': '256Gi', 'nvidia.com/gpu': '4' }, limits: { 'memory': '256Gi', 'nvidia.com/gpu': '4' },
  });
  expect(envOf(pod.spec.containers[0])).toMatchObject({
    CHECKPOINT_DIR: 's3://acme-retail-checkpoints/two-tower/{{workflow.name}}/', CHECKPOINT_INTERVAL_SECONDS: '600', WORLD_SIZE: '16', NNODES: '4',
  });
  expect(objectOf(synth, 'WorkloadPriorityClass', 'two-tower-two-tower').value).toBe(100);
  expect(objectOf(synth, 'CronWorkflow', 'two-tower', 'two-tower').spec).toMatchObject({ schedules: ['0 1 * * *'], timezone: 'America/New_York' });
});

test('session ranker: on-demand gang at priority 500, retrained from new clickstream objects through SQS and KEDA', () => {
  const js = jobSetOf(objectOf(synth, 'WorkflowTemplate', 'session-ranker-train', 'session-ranker-train'));
  expect(js.metadata.labels['kueue.x-k8s.io/queue-name']).toBe('session-ranker-train');
  expect(js.spec.replicatedJobs[0].template.spec.template.spec.nodeSelector).toEqual({ 'cdktf-ai-infra/pool': 'l40s-od' });
  expect(objectOf(synth, 'WorkloadPriorityClass', 'session-ranker-train-session-ranker-train').value).toBe(500);
  const sj = objectOf(synth, 'ScaledJob', 'session-ranker-train-on-new-data', 'session-ranker-train');
  expect(sj.spec.triggers[0]).toMatchObject({ type: 'aws-sqs-queue', metadata: { awsRegion: 'us-east-1', queueLength: '1' } });
  // acme-retail-data is not defined by this program: its notification configuration stays its
  // owner's; an EventBridge rule on its object events feeds the queue.
  const infra = synth.stack('acme-retail-prod-infra');
  expect(resourcesOf(infra, 'aws_s3_bucket_notification')).toEqual({});
  const rule = Object.values<any>(resourcesOf(infra, 'aws_cloudwatch_event_rule')).find((r) => r.name === 'acme-retail-session-ranker-train-retrain-new-objects');
  expect(JSON.parse(rule.event_pattern).detail).toEqual({ bucket: { name: ['acme-retail-data'] }, object: { key: [{ wildcard: 'clickstream/hourly/*.parquet' }] } });
});

test('home-recs: Knative scale to zero on the shared L4 pool, a 30 s window for spikes, a 10 % canary, image pre-pulled', () => {
  const isvc = objectOf(synth, 'InferenceService', 'home-recs', 'home-recs');
  expect(isvc.metadata.annotations).toEqual({
    'serving.kserve.io/deploymentMode': 'Knative',
    'autoscaling.knative.dev/initial-scale': '1',
    'autoscaling.knative.dev/scale-down-delay': '15m',
    'cdktf-ai-infra/model-size-gib': '2',
    'cdktf-ai-infra/declared-storage-uri': 's3://acme-retail-models/two-tower/v42/',
    'autoscaling.knative.dev/window': '30s',
    'serving.knative.dev/progress-deadline': '10m',
  });
  expect(isvc.spec.predictor).toMatchObject({
    minReplicas: 0, maxReplicas: 32, canaryTrafficPercent: 10, scaleMetric: 'concurrency', scaleTarget: 8, nodeSelector: { 'cdktf-ai-infra/pool': 'l4' },
  });
  // Warm start during a canary: the image is pre-pulled, the model is not cached (the cache holds one version).
  expect(objectOf(synth, 'DaemonSet', 'home-recs-image-pre-pull', 'home-recs').spec.template.spec.nodeSelector).toEqual({ 'cdktf-ai-infra/pool': 'l4' });
  expect(kubernetesObjects(synth).filter((o) => o.manifest.kind === 'LocalModelCache')).toEqual([]);
  // Promotion patches the model and keeps the canary share.
  const roll = objectOf(synth, 'WorkflowTemplate', 'two-tower', 'two-tower').spec.templates.find((t: any) => t.name === 'roll-endpoint');
  expect(roll.resource).toMatchObject({ action: 'patch', mergeStrategy: 'merge' });
  expect(JSON.parse(roll.resource.manifest).spec).toEqual({ predictor: { canaryTrafficPercent: 10, model: { storageUri: '{{inputs.parameters.version-uri}}' } } });
});

test('session-ranker endpoint: CPU only, scales to zero on requests per second', () => {
  const isvc = objectOf(synth, 'InferenceService', 'session-ranker', 'session-ranker');
  expect(isvc.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Knative');
  expect(isvc.spec.predictor).toMatchObject({ minReplicas: 0, maxReplicas: 24, scaleMetric: 'rps', scaleTarget: 50 });
  expect(isvc.spec.predictor.nodeSelector).toBeUndefined();
  expect(isvc.spec.predictor.model.resources.limits).toEqual({ cpu: '2', memory: '2Gi' });
});

test('serving pool: a managed node group of L4s from zero, shared two ways; buckets protected; budget 45,000 USD', () => {
  const groups = Object.values<any>(resourcesOf(synth.stack('acme-retail-prod-infra'), 'aws_eks_node_group'));
  expect(groups.find((g) => g.labels?.['cdktf-ai-infra/pool'] === 'l4')).toMatchObject({ capacity_type: 'ON_DEMAND', scaling_config: { min_size: 0, max_size: 16 } });
  const tags = Object.values<any>(resourcesOf(synth.stack('acme-retail-prod-infra'), 'aws_autoscaling_group_tag')).map((t) => t.tag);
  expect(tags).toContainEqual({ key: 'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu', value: '2', propagate_at_launch: false });
  const lines = bucketProtections(synth);
  expect(lines).toHaveLength(3); // two artifacts buckets, the checkpoint bucket
  for (const line of lines) expect(line).toMatch(new RegExp(`: ${PROTECTED_BUCKET}$`));
  expect(onlyResource(synth.stack('acme-retail-prod-infra'), 'aws_budgets_budget').limit_amount).toBe('45000.00');
});

test('the checkpoint bucket is the platform\'s: in the storage stack every other stack depends on, and the trainers write only their prefix of it', () => {
  const storage = synth.stack('acme-retail-storage-us-east-1');
  expect(onlyResource(storage, 'aws_s3_bucket')).toMatchObject({ bucket: 'acme-retail-checkpoints', force_destroy: false, lifecycle: { prevent_destroy: true } });
  expect(onlyResource(storage, 'aws_s3_bucket_lifecycle_configuration').rule[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 14 }]);
  expect(storage.dependencies).toEqual([]);
  for (const s of synth.stacks.filter((x) => x !== storage)) {
    expect([s.name, s.dependencies]).toEqual([s.name, expect.arrayContaining([storage.name])]);
  }
  const policies = Object.values<any>(resourcesOf(synth.stack('acme-retail-prod-infra'), 'aws_iam_role_policy')).map((p) => JSON.parse(p.policy).Statement).flat();
  const writes = policies.filter((st: any) => st.Action.includes('s3:PutObject') && JSON.stringify(st.Resource).includes('acme-retail-checkpoints'));
  expect(writes.length).toBeGreaterThan(0);
  for (const st of writes) expect(st.Resource).toEqual(['arn:aws:s3:::acme-retail-checkpoints/two-tower/*']);
});
