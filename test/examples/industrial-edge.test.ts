/**
 * examples/industrial-edge, synthesized once by its own app command: training on an existing
 * on-prem data-centre cluster, the same lightweight endpoint on three existing edge clusters, and
 * the few shared AWS resources in eu-central-1.
 */
import { bucketProtections, cleanUp, envOf, jobSetOf, objectOf, projection, PROTECTED_BUCKET, synthExample } from './support';
import { kubernetesObjects, onlyResource, resourcesOf, Synthesized } from '../support/synth';

let synth: Synthesized;
beforeAll(() => {
  synth = synthExample('industrial-edge');
}, 60_000);
afterAll(() => cleanUp(synth));

const SITES = ['leipzig', 'linz', 'stuttgart'];

test('snapshot: stacks, dependencies, resource counts per type, Helm releases and Kubernetes objects', () => {
  expect(projection(synth)).toMatchSnapshot();
});

test('no cluster is created: addons and workloads stacks per existing cluster, each reached through its own kubeconfig context', () => {
  expect(synth.stacks.filter((s) => s.name.endsWith('-infra'))).toEqual([]);
  const contexts: Record<string, string> = { 'acme-factory-dc': 'dc-munich' };
  for (const site of SITES) contexts[`acme-factory-edge-${site}`] = `edge-${site}`;
  for (const [prefix, context] of Object.entries(contexts)) {
    for (const layer of ['addons', 'workloads']) {
      expect(synth.stack(`${prefix}-${layer}`).json.provider.kubernetes[0].config_context).toBe(context);
    }
  }
  // The only AWS stack: eu-central-1 (data residency), with the budget, the artifacts bucket and the rollout queue.
  const aws = synth.stacks.filter((s) => s.json.provider?.aws);
  expect(aws.map((s) => [s.name, s.json.provider.aws[0].region])).toEqual([['acme-factory-aws-eu-central-1', 'eu-central-1']]);
});

test('training in the data centre: a gang of 2 × 4 existing A100s, checkpoints on the NFS claim, gated on recall and false positives', () => {
  const wt = objectOf(synth, 'WorkflowTemplate', 'defect-train', 'defect-train');
  const pod = jobSetOf(wt).spec.replicatedJobs[0].template.spec.template.spec;
  expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-40GB' });
  expect(pod.volumes).toContainEqual({ name: 'checkpoints', persistentVolumeClaim: { claimName: 'training-checkpoints' } });
  const main = pod.containers[0];
  expect(main.volumeMounts).toContainEqual({ name: 'checkpoints', mountPath: '/checkpoints' });
  expect(envOf(main)).toMatchObject({ CHECKPOINT_DIR: '/checkpoints/{{workflow.name}}', CHECKPOINT_INTERVAL_SECONDS: '1200', DATA_URI: 's3://acme-factory-images/labelled/' });
  expect(main.envFrom).toEqual([{ secretRef: { name: 'aws-s3-credentials' } }]);
  expect(main.resources.limits['nvidia.com/gpu']).toBe('4');
  const gate = wt.spec.templates.find((t: any) => t.name === 'gate');
  expect(JSON.parse(envOf(gate.script).GATES)).toEqual([
    { metric: 'recall', operator: '>=', threshold: 0.97 }, { metric: 'false_positive_rate', operator: '<=', threshold: 0.02 },
  ]);
  expect(objectOf(synth, 'CronWorkflow', 'defect-train', 'defect-train').spec).toMatchObject({ schedules: ['0 22 * * 5'], timezone: 'Europe/Berlin' });
});

test('every plant serves the detector as a KServe Standard Deployment with one replica always, scaled by KEDA; on GPUs only where the plant has them', () => {
  const isvcs = kubernetesObjects(synth).filter((o) => o.manifest.kind === 'InferenceService');
  expect(isvcs.map((o) => o.stack).sort()).toEqual(SITES.map((s) => `acme-factory-edge-${s}-workloads`));
  for (const { stack, manifest } of isvcs) {
    expect(manifest.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Standard');
    expect(manifest.spec.predictor).toMatchObject({ minReplicas: 1, maxReplicas: 2 });
    // The pipeline promotes to every plant: the declared model, unless a rollout replaced it since.
    expect(manifest.metadata.annotations['cdktf-ai-infra/declared-storage-uri']).toBe('s3://acme-factory-models/defect-detector/v12/');
    expect(manifest.spec.predictor.model.storageUri).toMatch(/^\$\{try\(.*\.spec\.predictor\.model\.storageUri : "s3:\/\/acme-factory-models\/defect-detector\/v12\/", "s3:\/\/acme-factory-models\/defect-detector\/v12\/"\)\}$/);
    const gpu = manifest.spec.predictor.model.resources.limits['nvidia.com/gpu'];
    expect([stack, gpu]).toEqual([stack, stack.includes('stuttgart') ? '1' : undefined]);
  }
  const scalers = kubernetesObjects(synth).filter((o) => o.manifest.kind === 'ScaledObject');
  expect(scalers).toHaveLength(3);
  for (const { manifest } of scalers) expect(manifest.spec).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 2 });
  // No Knative at the edge.
  for (const site of SITES) {
    const releases = Object.values<any>(resourcesOf(synth.stack(`acme-factory-edge-${site}-addons`), 'helm_release')).map((r) => r.name).sort();
    expect(releases).toEqual(['cert-manager', 'keda', 'kserve-crd']);
  }
});

test('rollout to every plant: approved versions go to EventBridge, a rule and a queue per plant in eu-central-1, a ScaledJob per plant', () => {
  const aws = synth.stack('acme-factory-aws-eu-central-1');
  // acme-factory-models is not defined here: its notification configuration stays its owner's.
  expect(resourcesOf(aws, 'aws_s3_bucket_notification')).toEqual({});
  const rules = Object.values<any>(resourcesOf(aws, 'aws_cloudwatch_event_rule')).filter((r) => String(r.name).endsWith('-rollout'));
  expect(rules.map((r) => r.name).sort()).toEqual([
    'acme-factory-defect-train-defect-detector-rollout',
    'acme-factory-defect-train-edge-leipzig-defect-detector-rollout',
    'acme-factory-defect-train-edge-linz-defect-detector-rollout',
  ]);
  for (const r of rules) {
    expect(JSON.parse(r.event_pattern).detail).toEqual({ bucket: { name: ['acme-factory-models'] }, object: { key: [{ wildcard: 'defect-detector/*/_APPROVED.json' }] } });
  }
  const rollouts = kubernetesObjects(synth).filter((o) => o.manifest.kind === 'ScaledJob');
  expect(rollouts.map((o) => [o.stack, o.manifest.metadata.name]).sort()).toEqual([
    ['acme-factory-edge-leipzig-workloads', 'defect-detector-rollout'],
    ['acme-factory-edge-linz-workloads', 'defect-detector-rollout'],
    ['acme-factory-edge-stuttgart-workloads', 'defect-detector-rollout'],
  ]);
  // Each plant's job drains its own queue.
  const queueUrls = rollouts.map((o) => o.manifest.spec.triggers[0].metadata.queueURL);
  expect(new Set(queueUrls).size).toBe(3);
  for (const { manifest } of rollouts) {
    expect(manifest.spec.triggers[0]).toMatchObject({ type: 'aws-sqs-queue', metadata: { awsRegion: 'eu-central-1' } });
    // Credentials from the plant's secret; RBAC: get and patch of that one InferenceService.
    expect(manifest.spec.jobTargetRef.template.spec.initContainers[0].envFrom).toEqual([{ secretRef: { name: 'aws-model-reader' } }]);
  }
  for (const o of kubernetesObjects(synth).filter((x) => x.manifest.kind === 'Role' && x.manifest.metadata.name === 'defect-detector-rollout')) {
    expect(o.manifest.rules).toEqual([{ apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], resourceNames: ['defect-detector'], verbs: ['get', 'patch'] }]);
  }
});

test('the artifacts bucket is protected; budget and tags', () => {
  const lines = bucketProtections(synth);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`: ${PROTECTED_BUCKET}$`));
  const aws = synth.stack('acme-factory-aws-eu-central-1');
  expect(onlyResource(aws, 'aws_budgets_budget').limit_amount).toBe('500.00');
  expect(aws.json.provider.aws[0].default_tags).toEqual([{ tags: expect.objectContaining({ 'team': 'quality-ml', 'cost-center': 'plant-ops', 'ai-platform': 'acme-factory' }) }]);
});
