/**
 * The wiring checks (test/support/wiring.ts) that test/verify runs over every example: here over a
 * unit program, and over copies of its output broken the way the library used to break it, to
 * show that each check fails on the defect.
 */
import {
  Accelerator, AiPlatform, Capacity, Checkpointing, Duration, GpuNodePool, KubernetesVersion, TrainingPipeline, TrainingStage,
} from '../../lib';
import { EKS_ACCESS } from '../support/eks-access';
import { kubernetesObjects, resourcesOf, Synthesized, synthApp, testApp } from '../support/synth';
import { argoRbacProblems, duplicateObjectProblems, gpuTolerationProblems, namespaceOrderProblems } from '../support/wiring';
import { FakeEndpoint } from '../training/support';

let synth: Synthesized;
beforeAll(() => {
  const app = testApp();
  const prod = new AiPlatform(app, 'acme').addEksCluster('prod', {
    region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, version: KubernetesVersion.V1_34, karpenter: true,
  });
  const h100 = new GpuNodePool(prod, 'h100', { accelerator: Accelerator.NVIDIA_H100, instanceTypes: ['p5.48xlarge'], capacity: Capacity.spot({ fallbackToOnDemand: true }), maxNodes: 2 });
  const endpoint = new FakeEndpoint(prod, 'recs', { cluster: prod });
  new TrainingPipeline(prod, 'recs-train', {
    stages: [
      TrainingStage.preprocess('prep', { image: 'ghcr.io/acme/prep:1.0', pool: h100 }),
      TrainingStage.train('train', { image: 'ghcr.io/acme/train:1.0', pool: h100, workers: 2, gpusPerWorker: 8, expectedDuration: Duration.hours(2) }),
    ],
    dataUri: 's3://acme-data/recs/',
    checkpointing: Checkpointing.s3('s3://acme-ckpt/recs/'),
    promoteTo: endpoint,
  });
  synth = synthApp(app);
});

/** A deep copy of the synthesized program with `edit` applied to the workloads stack's JSON. */
function broken(edit: (workloads: any) => void): Synthesized {
  const copy = JSON.parse(JSON.stringify(synth.stacks.map((s) => ({ ...s }))));
  edit(copy.find((s: any) => s.name === 'acme-prod-workloads').json);
  return { outdir: synth.outdir, stacks: copy, stack: (n: string) => copy.find((s: any) => s.name === n) };
}
function manifestOf(json: any, kind: string, name: string): any {
  return Object.values<any>(json.resource.kubernetes_manifest).find((r) => r.manifest.kind === kind && r.manifest.metadata.name === name);
}

test('the training pipeline passes every check', () => {
  expect(kubernetesObjects(synth).length).toBeGreaterThan(20);
  expect(namespaceOrderProblems(synth)).toEqual([]);
  expect(duplicateObjectProblems(synth)).toEqual([]);
  expect(argoRbacProblems(synth)).toEqual([]);
  expect(gpuTolerationProblems(synth)).toEqual([]);
});

test('Argo RBAC: the old train step (launcher as pod account, workflow executor runs argoexec resource) is caught', () => {
  const problems = argoRbacProblems(broken((json) => {
    const wt = manifestOf(json, 'WorkflowTemplate', 'recs-train').manifest;
    const train = wt.spec.templates.find((t: any) => t.name === 'train');
    delete train.executor;
    train.automountServiceAccountToken = true;
  }));
  expect(problems).toEqual(expect.arrayContaining([
    expect.stringMatching(/step train \(executor recs-train-executor\): may not create jobset\.x-k8s\.io\/jobsets in recs-train/),
    expect.stringMatching(/step train \(executor recs-train-executor\): may not get jobset\.x-k8s\.io\/jobsets/),
  ]));
});

test('Argo RBAC: the exit handler deleting the run\'s JobSet by label needs list and delete', () => {
  const problems = argoRbacProblems(broken((json) => {
    const role = manifestOf(json, 'Role', 'recs-train-launcher').manifest;
    role.rules[0].verbs = ['create', 'get'];
  }));
  expect(problems).toEqual([
    expect.stringMatching(/step delete-gang \(executor recs-train-launcher\): may not delete jobset\.x-k8s\.io\/jobsets in recs-train/),
    expect.stringMatching(/step delete-gang \(executor recs-train-launcher\): may not list jobset\.x-k8s\.io\/jobsets in recs-train/),
  ]);
});

test('Argo RBAC: a missing executor token Secret is caught', () => {
  const problems = argoRbacProblems(broken((json) => {
    for (const [id, r] of Object.entries<any>(json.resource.kubernetes_manifest)) if (r.manifest.kind === 'Secret') delete json.resource.kubernetes_manifest[id];
  }));
  expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/step prep \(executor recs-train-executor\): no Secret recs-train\/recs-train-executor\.service-account-token/)]));
});

test('namespace order: an object without depends_on on its Namespace is caught', () => {
  const problems = namespaceOrderProblems(broken((json) => {
    delete manifestOf(json, 'LocalQueue', 'recs-train').depends_on;
  }));
  expect(problems).toEqual([expect.stringMatching(/^acme-prod-workloads: LocalQueue recs-train\/recs-train does not depend on kubernetes_manifest\./)]);
});

test('duplicates: the same object twice on one cluster is caught', () => {
  const problems = duplicateObjectProblems(broken((json) => {
    json.resource.kubernetes_manifest.copy = JSON.parse(JSON.stringify(manifestOf(json, 'LocalQueue', 'recs-train')));
  }));
  expect(problems).toEqual([expect.stringMatching(/^acme-prod: kueue\.x-k8s\.io\/LocalQueue recs-train\/recs-train is declared by /)]);
});

test('GPU taints: a pod that selects the tainted pool without tolerating it is caught (also inside the JobSet the workflow creates)', () => {
  const problems = gpuTolerationProblems(broken((json) => {
    const wt = manifestOf(json, 'WorkflowTemplate', 'recs-train').manifest;
    const train = wt.spec.templates.find((t: any) => t.name === 'train');
    const jobSet = JSON.parse(train.resource.manifest);
    delete jobSet.spec.replicatedJobs[0].template.spec.template.spec.tolerations;
    train.resource.manifest = JSON.stringify(jobSet);
  }));
  expect(problems).toEqual([expect.stringMatching(/WorkflowTemplate recs-train\/recs-train\.spec\.templates\[\d\]\.resource\.manifest\..*: selects NodePool h100.* but does not tolerate nvidia\.com\/gpu:NoSchedule$/)]);
  expect(Object.keys(resourcesOf(synth.stack('acme-prod-workloads'), 'kubernetes_manifest')).length).toBeGreaterThan(0);
});
