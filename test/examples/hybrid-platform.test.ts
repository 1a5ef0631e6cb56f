/**
 * examples/hybrid-platform (the flagship), synthesized once by its own app command: training on the
 * existing on-prem cluster, scale-to-zero serving on EKS, S3 in between, retraining on new data,
 * gated promotion across clusters, the spot H100 pool, budget and tags.
 */
import {
  bucketProtections, cleanUp, envOf, jobSetOf, objectOf, projection, PROTECTED_BUCKET, reportFiles, stackOf, synthExample,
} from './support';
import { kubernetesObjects, onlyResource, resourcesOf, Synthesized } from '../support/synth';

let synth: Synthesized;
beforeAll(() => {
  synth = synthExample('hybrid-platform');
}, 60_000);
afterAll(() => cleanUp(synth));

test('snapshot: stacks, dependencies, resource counts per type, Helm releases and Kubernetes objects', () => {
  expect(projection(synth)).toMatchSnapshot();
});

test('seven stacks: storage first; EKS infra → addons → workloads, the lab\'s addons and workloads, and the AWS stack of the lab\'s workloads', () => {
  expect(synth.stacks.map((s) => s.name).sort()).toEqual([
    'acme-ml-aws-us-east-1', 'acme-ml-lab-addons', 'acme-ml-lab-workloads', 'acme-ml-prod-addons', 'acme-ml-prod-infra', 'acme-ml-prod-workloads', 'acme-ml-storage-us-east-1',
  ]);
  expect(synth.stack('acme-ml-storage-us-east-1').dependencies).toEqual([]);
  expect(synth.stack('acme-ml-lab-workloads').dependencies.sort()).toEqual(['acme-ml-aws-us-east-1', 'acme-ml-lab-addons', 'acme-ml-storage-us-east-1']);
  expect(synth.stack('acme-ml-prod-workloads').dependencies.sort()).toEqual(['acme-ml-prod-addons', 'acme-ml-prod-infra', 'acme-ml-storage-us-east-1']);
  expect(synth.stack('acme-ml-prod-infra').dependencies).toEqual(['acme-ml-storage-us-east-1']);
  // The lab is reached through its kubeconfig context; nothing of the lab goes through AWS credentials.
  const lab = synth.stack('acme-ml-lab-workloads').json.provider.kubernetes[0];
  expect(lab).toMatchObject({ config_path: '~/.kube/config', config_context: 'lab' });
});

test('state in S3 with S3-native locking for every stack; tags on AWS resources and as labels on Kubernetes objects', () => {
  for (const s of synth.stacks) {
    expect(s.json.terraform.backend.s3).toEqual({
      bucket: 'acme-ml-terraform-state', key: `ai-platform/${s.name}.tfstate`, region: 'us-east-1', encrypt: true, use_lockfile: true,
    });
  }
  const tags = { 'team': 'ml-platform', 'cost-center': 'ml-123', 'ai-platform': 'acme-ml', 'managed-by': 'cdktf-ai-infra' };
  // Every AWS provider (the cluster's infra stack, the lab's AWS stack, the storage stack) tags what it creates.
  const awsStacks = synth.stacks.filter((s) => s.json.provider?.aws);
  expect(awsStacks.map((s) => s.name).sort()).toEqual(['acme-ml-aws-us-east-1', 'acme-ml-prod-infra', 'acme-ml-storage-us-east-1']);
  for (const s of awsStacks) expect(s.json.provider.aws).toEqual([{ region: 'us-east-1', default_tags: [{ tags }] }]);
  expect(objectOf(synth, 'InferenceService', 'recs').metadata.labels).toMatchObject({ 'team': 'ml-platform', 'cost-center': 'ml-123' });
});

test('budget: 60,000 USD a month on the platform\'s cost tag, alerting the team at 80 % forecast and 100 % actual', () => {
  const budget = onlyResource(synth.stack('acme-ml-prod-infra'), 'aws_budgets_budget');
  expect(budget).toMatchObject({ name: 'acme-ml-monthly', budget_type: 'COST', limit_amount: '60000.00', limit_unit: 'USD', time_unit: 'MONTHLY' });
  expect(budget.cost_filter).toEqual([{ name: 'TagKeyValue', values: ['user:ai-platform$acme-ml'] }]);
  expect(budget.notification.map((n: any) => [n.notification_type, n.threshold, n.subscriber_email_addresses])).toEqual([
    ['FORECASTED', 80, ['ml-platform@example.com']], ['ACTUAL', 100, ['ml-platform@example.com']],
  ]);
});

test('serving: the recs InferenceService scales to zero in Knative mode on the time-sliced L4 pool, with warm start', () => {
  const isvc = objectOf(synth, 'InferenceService', 'recs', 'recs');
  expect(stackOf(synth, 'InferenceService', 'recs')).toBe('acme-ml-prod-workloads');
  expect(isvc.metadata.annotations).toEqual({
    'serving.kserve.io/deploymentMode': 'Knative',
    'autoscaling.knative.dev/initial-scale': '0',
    'autoscaling.knative.dev/scale-down-delay': '10m',
    'cdktf-ai-infra/model-size-gib': '4',
    'cdktf-ai-infra/declared-storage-uri': 's3://acme-ml-models/recs/current/',
    'serving.knative.dev/progress-deadline': '10m',
  });
  const p = isvc.spec.predictor;
  expect(p).toMatchObject({ minReplicas: 0, maxReplicas: 20, scaleMetric: 'concurrency', scaleTarget: 8, nodeSelector: { 'cdktf-ai-infra/pool': 'l4-shared' } });
  // The pipeline on lab promotes here: the model URI follows the live object (what the last
  // promotion rolled) while the program still declares recs/current/, so an apply does not undo it.
  const workloads = synth.stack('acme-ml-prod-workloads');
  const [liveId, live] = Object.entries<any>(workloads.json.data.kubernetes_resources)[0];
  expect(live).toMatchObject({ api_version: 'serving.kserve.io/v1beta1', kind: 'InferenceService', namespace: 'recs', field_selector: 'metadata.name=recs' });
  expect(p.model.storageUri).toContain(`one(data.kubernetes_resources.${liveId}.objects).spec.predictor.model.storageUri`);
  expect(p.model.storageUri).toMatch(/^\$\{try\(.*, "s3:\/\/acme-ml-models\/recs\/current\/"\)\}$/);
  const isvcResource = Object.values<any>(resourcesOf(workloads, 'kubernetes_manifest')).find((r) => r.manifest.kind === 'InferenceService');
  expect(isvcResource.field_manager).toEqual({ force_conflicts: true });
  expect(p.model.resources.limits['nvidia.com/gpu']).toBe('1');
  // Warm start: Triton's image pre-pulled. No node-local model cache: the L4 nodes are tainted and
  // KServe v0.20.0 LocalModel download Jobs carry no tolerations (localmodelnode/controller.go).
  expect(kubernetesObjects(synth).filter((o) => ['LocalModelCache', 'LocalModelNodeGroup'].includes(o.manifest.kind))).toEqual([]);
  expect(objectOf(synth, 'DaemonSet', 'recs-image-pre-pull', 'recs').spec.template.spec.nodeSelector).toEqual({ 'cdktf-ai-infra/pool': 'l4-shared' });
});

test('pools: L4 managed node groups from zero whose node template counts 4 time-sliced units; spot H100s through Karpenter in one zone', () => {
  const infra = synth.stack('acme-ml-prod-infra');
  const groups = Object.values<any>(resourcesOf(infra, 'aws_eks_node_group'));
  const l4 = groups.find((g) => g.labels?.['cdktf-ai-infra/pool'] === 'l4-shared');
  expect(l4).toMatchObject({ ami_type: 'AL2023_x86_64_NVIDIA', capacity_type: 'ON_DEMAND', scaling_config: { min_size: 0, max_size: 10 } });
  expect(l4.taint).toEqual([{ key: 'nvidia.com/gpu', effect: 'NO_SCHEDULE' }]);
  const tags = Object.values<any>(resourcesOf(infra, 'aws_autoscaling_group_tag')).map((t) => t.tag);
  expect(tags).toContainEqual({ key: 'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu', value: '4', propagate_at_launch: false });
  const plugin = Object.values<any>(resourcesOf(synth.stack('acme-ml-prod-addons'), 'helm_release')).find((r) => r.name === 'nvidia-device-plugin');
  const config = JSON.parse(plugin.values[0]).config.map['time-slicing-4'];
  expect(JSON.parse(config).sharing.timeSlicing.resources).toEqual([{ name: 'nvidia.com/gpu', replicas: 4 }]);

  const h100 = objectOf(synth, 'NodePool', 'h100');
  const requirement = (key: string) => h100.spec.template.spec.requirements.find((r: any) => r.key === key).values;
  expect(requirement('karpenter.sh/capacity-type')).toEqual(['spot', 'on-demand']);
  expect(requirement('node.kubernetes.io/instance-type')).toEqual(['p5.48xlarge']);
  expect(requirement('topology.kubernetes.io/zone')).toEqual(['us-east-1a']);
  expect(h100.spec.limits).toEqual({ 'nodes': '2', 'nvidia.com/gpu': '16' });
});

test('training on the lab: a gang of 2 × 8 existing A100s admitted through Kueue, S3 checkpoints, credentials from the secret', () => {
  const wt = objectOf(synth, 'WorkflowTemplate', 'recs-train', 'recs-train');
  expect(stackOf(synth, 'WorkflowTemplate', 'recs-train')).toBe('acme-ml-lab-workloads');
  const js = jobSetOf(wt);
  expect(js.metadata.labels).toMatchObject({ 'kueue.x-k8s.io/queue-name': 'recs-train', 'kueue.x-k8s.io/priority-class': 'recs-train-recs-train' });
  const job = js.spec.replicatedJobs[0].template.spec;
  expect(job).toMatchObject({ parallelism: 2, completions: 2, completionMode: 'Indexed' });
  const pod = job.template;
  expect(pod.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
  expect(pod.spec.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
  const main = pod.spec.containers[0];
  expect(main.resources.limits['nvidia.com/gpu']).toBe('8');
  expect(main.envFrom).toEqual([{ secretRef: { name: 'aws-training-credentials' } }]);
  expect(envOf(main)).toMatchObject({
    CHECKPOINT_DIR: 's3://acme-ml-checkpoints/recs/lab/{{workflow.name}}/',
    RESUME_FROM_CHECKPOINT: 'latest',
    CHECKPOINT_INTERVAL_SECONDS: '900',
    DATA_URI: 's3://acme-ml-data/recs/events/',
  });
  expect(objectOf(synth, 'ResourceFlavor', 'a100-on-demand').spec.nodeLabels).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
  expect(objectOf(synth, 'ClusterQueue', 'recs-train-recs-train').spec.resourceGroups[0].flavors[0].resources).toContainEqual({ name: 'nvidia.com/gpu', nominalQuota: '16' });
});

test('retraining on new data: EventBridge rule on the data prefix (acme-ml-data is not defined here) → encrypted SQS (with DLQ) in the AWS stack → KEDA ScaledJob on the lab', () => {
  const aws = synth.stack('acme-ml-aws-us-east-1');
  expect(resourcesOf(aws, 'aws_s3_bucket_notification')).toEqual({});
  const rule = Object.values<any>(resourcesOf(aws, 'aws_cloudwatch_event_rule')).find((r) => r.name === 'acme-ml-recs-train-retrain-new-objects');
  expect(JSON.parse(rule.event_pattern).detail).toEqual({ bucket: { name: ['acme-ml-data'] }, object: { key: [{ wildcard: 'recs/events/*.parquet' }] } });
  expect(Object.values<any>(resourcesOf(aws, 'aws_sqs_queue')).map((q) => [q.name, q.sqs_managed_sse_enabled]).sort()).toEqual([
    ['acme-ml-recs-train-retrain', true], ['acme-ml-recs-train-retrain-dlq', true], ['acme-ml-recs-train-retrain-new-objects-events-dlq', true],
  ]);
  const trigger = objectOf(synth, 'ScaledJob', 'recs-train-on-new-data', 'recs-train').spec.triggers[0];
  expect(trigger.type).toBe('aws-sqs-queue');
  expect(trigger.metadata.queueURL).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-acme-ml-aws-us-east-1\./);
});

test('promotion: the lab gates on ndcg@10 and publishes; the EKS side rolls approved versions into the endpoint', () => {
  const wt = objectOf(synth, 'WorkflowTemplate', 'recs-train', 'recs-train');
  const tasks = wt.spec.templates.find((t: any) => t.name === 'pipeline').dag.tasks.map((t: any) => t.name);
  expect(tasks).toEqual(['prep', 'train', 'eval', 'gate', 'publish-model']);
  const gate = wt.spec.templates.find((t: any) => t.name === 'gate');
  expect(envOf(gate.script).GATES).toBe('[{"metric":"ndcg@10","operator":">=","threshold":0.31}]');
  const publish = wt.spec.templates.find((t: any) => t.name === 'publish-model');
  expect(envOf(publish.container).VERSIONS_URI).toBe('s3://acme-ml-models/recs/versions/');
  // On prod: new _APPROVED.json markers → EventBridge rule → queue → a ScaledJob allowed to patch only that InferenceService.
  expect(resourcesOf(synth.stack('acme-ml-prod-infra'), 'aws_s3_bucket_notification')).toEqual({});
  const rule = Object.values<any>(resourcesOf(synth.stack('acme-ml-prod-infra'), 'aws_cloudwatch_event_rule')).find((r) => r.name === 'acme-ml-recs-train-recs-rollout');
  expect(JSON.parse(rule.event_pattern).detail.object.key).toEqual([{ wildcard: 'recs/versions/*/_APPROVED.json' }]);
  expect(objectOf(synth, 'ScaledJob', 'recs-rollout', 'recs').spec.triggers[0].type).toBe('aws-sqs-queue');
  expect(objectOf(synth, 'Role', 'recs-rollout', 'recs').rules).toEqual([
    { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], resourceNames: ['recs'], verbs: ['get', 'patch'] },
  ]);
});

test('the weekly full retrain runs on the spot H100 pool with S3 checkpoints and patches the endpoint directly', () => {
  expect(objectOf(synth, 'CronWorkflow', 'recs-full', 'recs-full').spec).toMatchObject({ schedules: ['0 2 * * 0'], timezone: 'Europe/Berlin' });
  const wt = objectOf(synth, 'WorkflowTemplate', 'recs-full', 'recs-full');
  const pod = jobSetOf(wt).spec.replicatedJobs[0].template.spec.template;
  expect(pod.spec.nodeSelector).toEqual({ 'cdktf-ai-infra/pool': 'h100' });
  expect(pod.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
  expect(envOf(pod.spec.containers[0]).CHECKPOINT_DIR).toBe('s3://acme-ml-checkpoints/recs/full/{{workflow.name}}/');
  expect(wt.spec.templates.map((t: any) => t.name)).toContain('roll-endpoint');
});

test('buckets the example creates (checkpoints, training artifacts) are versioned, encrypted, private and protected from destroy', () => {
  const lines = bucketProtections(synth);
  expect(lines).toHaveLength(3);
  for (const line of lines) expect(line).toMatch(new RegExp(`: ${PROTECTED_BUCKET}$`));
  expect(onlyResource(synth.stack('acme-ml-storage-us-east-1'), 'aws_s3_bucket')).toMatchObject({ bucket: 'acme-ml-checkpoints' });
});

test('the platform report (cost report and Mermaid diagram) is written next to the stacks', () => {
  expect(reportFiles(synth)).toEqual(['cost-report.json', 'cost-report.md', 'platform.md']);
});
