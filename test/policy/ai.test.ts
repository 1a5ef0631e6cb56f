/** AI platform rules over what intent constructs emit: each rule triggered, passed, and suppressed. */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend } from 'cdktf';
import { active, checkPlatform, checkStack, job, manifest, suppressed } from './support';
import { GpuNodePool } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { GpuSharing, MigStrategy } from '../../lib/core/gpu-sharing';
import { clusterQueueObject, localQueueObject, resourceFlavorObject } from '../../lib/kubernetes/kueue';
import { PolicyAnnotations } from '../../lib/policy/contract';
import { Policy } from '../../lib/policy/suppressions';
import { fixture } from '../cost/support';
import { defaultRegistry } from '../support/schemas';

const validate = (...objects: Array<Record<string, unknown>>) => expect(objects.flatMap((o) => defaultRegistry().validate(o))).toEqual([]);

describe('AIP-AI-001: GPU pools are tainted', () => {
  test('a managed node group pool without the accelerator taint warns, on the pool', () => {
    const f = fixture();
    f.pool('l4', { acceleratorTaint: false });
    const found = checkPlatform(f.platform).filter((x) => x.ruleId === 'AIP-AI-001');
    expect(found).toEqual([expect.objectContaining({ severity: 'warning', ownerPath: 'acme/prod/l4' })]);
    expect(found[0].message).toMatch(/\(AL2023_x86_64_NVIDIA\) has no nvidia.com\/gpu:NoSchedule taint/);
  });

  test('a Karpenter NodePool without the taint warns; tainted pools pass', () => {
    const f = fixture({}, { karpenter: true });
    f.pool('open', { acceleratorTaint: false });
    f.pool('l4', {});
    const found = checkPlatform(f.platform).filter((x) => x.ruleId === 'AIP-AI-001');
    expect(found.map((x) => [x.ownerPath, x.message])).toEqual([['acme/prod/open', 'Karpenter NodePool open selects accelerator instances but has no nvidia.com/gpu:NoSchedule taint.']]);
  });

  test('suppressed on the pool (the intent construct stands for what it emits)', () => {
    const f = fixture();
    Policy.suppress(f.pool('l4', { acceleratorTaint: false }), 'AIP-AI-001', 'dedicated cluster: every pod needs a GPU');
    const found = checkPlatform(f.platform).filter((x) => x.ruleId === 'AIP-AI-001');
    expect(found.map((x) => x.suppressedBy?.path)).toEqual(['acme/prod/l4']);
  });
});

describe('AIP-AI-002: batch workloads on spot checkpoint', () => {
  const spot = { nodeSelector: { 'karpenter.sh/capacity-type': 'spot' } };

  test('a Job on spot capacity without checkpointing warns', () => {
    const found = checkStack((s) => manifest(s, 'train', job('train', 'ml', {}, { podSpec: spot })));
    expect(active(found)).toEqual(['AIP-AI-002']);
    expect(found[0].message).toBe('Job train can run on spot capacity (reclaimed with two minutes\' notice) but shows no checkpointing.');
  });

  test('CHECKPOINT_DIR, the checkpoint annotation, or on-demand capacity pass', () => {
    const withEnv = job('a', 'ml', { env: [{ name: 'CHECKPOINT_DIR', value: 's3://ckpt/a/' }] }, { podSpec: spot });
    const annotated = job('b', 'ml', {}, { podSpec: spot, annotations: { [PolicyAnnotations.CHECKPOINT]: 's3://ckpt/b/' } });
    const onDemand = job('c', 'ml', {}, { podSpec: { nodeSelector: { 'karpenter.sh/capacity-type': 'on-demand' } } });
    expect(active(checkStack((s) => [withEnv, annotated, onDemand].forEach((o, i) => manifest(s, `j${i}`, o))))).toEqual([]);
    validate(withEnv, annotated, onDemand);
  });

  test('spot through a spot pool\'s node selector or a Kueue flavor of a spot pool is found', () => {
    const f = fixture();
    const pool = f.pool('l4', { capacity: Capacity.spot() });
    const w = f.cluster.stacks.workloads;
    manifest(w, 'direct', job('direct', 'ml', {}, { podSpec: { nodeSelector: pool.nodeSelector } }));
    manifest(w, 'flavor', resourceFlavorObject('l4-spot', pool.nodeSelector, pool.tolerations));
    manifest(w, 'cq', clusterQueueObject('team', { coveredResources: ['nvidia.com/gpu'], flavors: [{ flavor: 'l4-spot', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '4' }] }], namespaces: ['ml'] }));
    manifest(w, 'lq', localQueueObject('team', 'ml', 'team'));
    manifest(w, 'queued', job('queued', 'ml', {}, { labels: { 'kueue.x-k8s.io/queue-name': 'team' } }));
    const found = checkPlatform(f.platform).filter((x) => x.ruleId === 'AIP-AI-002');
    expect(found.map((x) => x.message.split(' can run')[0])).toEqual(['Job direct', 'Job queued']);
  });

  test('suppressed on the workload', () => {
    expect(suppressed(checkStack((s) => Policy.suppress(manifest(s, 'j', job('j', 'ml', {}, { podSpec: spot })), 'AIP-AI-002', 'idempotent batch inference')))).toEqual(['AIP-AI-002']);
  });
});

describe('AIP-AI-003: scale to zero with a large model has a warm start', () => {
  const isvc = (annotations: Record<string, string>, minReplicas = 0) => ({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'llm', namespace: 'serving', annotations: { 'serving.kserve.io/deploymentMode': 'Knative', ...annotations } },
    spec: { predictor: { minReplicas, model: { modelFormat: { name: 'vllm' }, storageUri: 's3://models/llm/' } } },
  });
  const cache = { apiVersion: 'serving.kserve.io/v1alpha1', kind: 'LocalModelCache', metadata: { name: 'llm' }, spec: { sourceModelUri: 's3://models/llm/', modelSize: '20Gi', nodeGroups: ['gpu'] } };

  test('a 20 GiB model scaling to zero without a warm start warns', () => {
    const found = checkStack((s) => manifest(s, 'isvc', isvc({ [PolicyAnnotations.MODEL_SIZE_GIB]: '20' })));
    expect(active(found)).toEqual(['AIP-AI-003']);
    expect(found[0].message).toMatch(/scales to zero with a 20 GiB model \(≥ 10 GiB\) and no warm start/);
  });

  test('a LocalModelCache of the storageUri, the warm-start annotation, a small model, min replicas ≥ 1 or no size pass', () => {
    expect(active(checkStack((s) => {
      manifest(s, 'a', isvc({ [PolicyAnnotations.MODEL_SIZE_GIB]: '20' }));
      manifest(s, 'cache', cache);
    }))).toEqual([]);
    expect(active(checkStack((s) => manifest(s, 'b', isvc({ [PolicyAnnotations.MODEL_SIZE_GIB]: '20', [PolicyAnnotations.WARM_START]: 'scheduled-warm-pool' }))))).toEqual([]);
    expect(active(checkStack((s) => manifest(s, 'c', isvc({ [PolicyAnnotations.MODEL_SIZE_GIB]: '2' }))))).toEqual([]);
    expect(active(checkStack((s) => manifest(s, 'd', isvc({ [PolicyAnnotations.MODEL_SIZE_GIB]: '20' }, 1))))).toEqual([]);
    expect(active(checkStack((s) => manifest(s, 'e', isvc({}))))).toEqual([]);
    validate(isvc({ [PolicyAnnotations.MODEL_SIZE_GIB]: '20' }), cache);
  });

  test('the threshold is an option', () => {
    expect(active(checkStack((s) => manifest(s, 'c', isvc({ [PolicyAnnotations.MODEL_SIZE_GIB]: '2' })), { largeModelGiB: 1 }))).toEqual(['AIP-AI-003']);
  });

  test('suppressed', () => {
    expect(suppressed(checkStack((s) => Policy.suppress(manifest(s, 'a', isvc({ [PolicyAnnotations.MODEL_SIZE_GIB]: '20' })), 'AIP-AI-003', 'nightly batch, cold starts are fine')))).toEqual(['AIP-AI-003']);
  });
});

describe('AIP-AI-004: GPU requests match the pool\'s sharing resource', () => {
  test('requesting nvidia.com/gpu on a MIG pool, or more units than a node has, is an error', () => {
    const f = fixture();
    const mig = new GpuNodePool(f.cluster, 'a100', {
      accelerator: Accelerator.NVIDIA_A100_40GB, maxNodes: 1, sharing: GpuSharing.mig('1g.5gb', { strategy: MigStrategy.MIXED }),
    });
    const shared = f.pool('l4', { sharing: GpuSharing.timeSlicing(4) });
    const w = f.cluster.stacks.workloads;
    manifest(w, 'wrong', job('wrong', 'ml', { resources: { limits: { 'nvidia.com/gpu': 1 } } }, { podSpec: { nodeSelector: mig.nodeSelector } }));
    manifest(w, 'big', job('big', 'ml', { resources: { limits: { 'nvidia.com/gpu': 5 } } }, { podSpec: { nodeSelector: shared.nodeSelector } }));
    const found = checkPlatform(f.platform).filter((x) => x.ruleId === 'AIP-AI-004');
    expect(found.map((x) => [x.severity, x.message])).toEqual([
      ['error', 'Job wrong (/spec/template/spec) targets pool a100, which advertises nvidia.com/mig-1g.5gb, but requests nvidia.com/gpu: it can never be scheduled there.'],
      ['error', 'Job big (/spec/template/spec) requests 5 × nvidia.com/gpu per pod; a node of pool l4 has 4.'],
    ]);
  });

  test('the pool\'s resource, within one node, passes; pods on no pool are not judged', () => {
    const f = fixture();
    const shared = f.pool('l4', { sharing: GpuSharing.timeSlicing(4) });
    const w = f.cluster.stacks.workloads;
    const ok = job('ok', 'ml', { resources: { limits: { 'nvidia.com/gpu': 4 } } }, { podSpec: { nodeSelector: shared.nodeSelector } });
    manifest(w, 'ok', ok);
    manifest(w, 'free', job('free', 'ml', { resources: { limits: { 'nvidia.com/gpu': 99 } } }));
    expect(checkPlatform(f.platform).filter((x) => x.ruleId === 'AIP-AI-004')).toEqual([]);
    validate(ok);
  });

  test('suppressed', () => {
    const f = fixture();
    const shared = f.pool('l4', { sharing: GpuSharing.timeSlicing(4) });
    Policy.suppress(manifest(f.cluster.stacks.workloads, 'big', job('big', 'ml', { resources: { limits: { 'nvidia.com/gpu': 5 } } }, { podSpec: { nodeSelector: shared.nodeSelector } })), 'AIP-AI-004', 'node type grows next quarter');
    expect(suppressed(checkPlatform(f.platform).filter((x) => x.ruleId === 'AIP-AI-004'))).toEqual(['AIP-AI-004']);
  });
});

describe('AIP-AI-005: a gang fits its queue\'s quota', () => {
  const queue = (quota: string, cohort?: { borrowingLimit?: string }) => [
    clusterQueueObject('team', {
      cohort: cohort ? 'research' : undefined,
      coveredResources: ['nvidia.com/gpu'],
      flavors: [{ flavor: 'h100-spot', resources: [{ name: 'nvidia.com/gpu', nominalQuota: quota, ...(cohort?.borrowingLimit ? { borrowingLimit: cohort.borrowingLimit } : {}) }] }],
      namespaces: ['ml'],
    }),
    localQueueObject('team', 'ml', 'team'),
  ];
  const gang = (parallelism: number) => job('gang', 'ml', { resources: { limits: { 'nvidia.com/gpu': 4 } }, env: [{ name: 'CHECKPOINT_DIR', value: '/ckpt' }] }, { parallelism, labels: { 'kueue.x-k8s.io/queue-name': 'team' } });
  const jobSet = {
    apiVersion: 'jobset.x-k8s.io/v1alpha2',
    kind: 'JobSet',
    metadata: { name: 'js', namespace: 'ml', labels: { 'kueue.x-k8s.io/queue-name': 'team' } },
    spec: { replicatedJobs: [{ name: 'workers', replicas: 3, template: { spec: { parallelism: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'w', image: 'r/t:1', securityContext: { allowPrivilegeEscalation: false }, resources: { limits: { 'nvidia.com/gpu': 2 } } }] } } } } }] },
  };

  test('4 pods × 4 GPUs on a queue of 8 GPUs would wait forever: error', () => {
    const found = checkStack((s) => [...queue('8'), gang(4)].forEach((o, i) => manifest(s, `o${i}`, o)));
    expect(found.map((x) => [x.ruleId, x.severity])).toEqual([['AIP-AI-005', 'error']]);
    expect(found[0].message).toMatch(/needs 16 nvidia.com\/gpu at once \(4 pods × 4\), more than any flavor of ClusterQueue team \(queue team\) can admit \(8\)/);
  });

  test('a JobSet gang counts replicas × parallelism × requests', () => {
    const found = checkStack((s) => [...queue('8'), jobSet].forEach((o, i) => manifest(s, `o${i}`, o)));
    expect(found.map((x) => x.message)).toEqual([expect.stringMatching(/needs 12 nvidia.com\/gpu at once \(6 pods × 2\)/)]);
    validate(...queue('8'), jobSet, gang(2));
  });

  test('a gang within the quota, or borrowing within a cohort, passes; unlimited borrowing is not judged', () => {
    expect(active(checkStack((s) => [...queue('8'), gang(2)].forEach((o, i) => manifest(s, `o${i}`, o))))).toEqual([]);
    expect(active(checkStack((s) => [...queue('8', { borrowingLimit: '8' }), gang(4)].forEach((o, i) => manifest(s, `o${i}`, o))))).toEqual([]);
    expect(active(checkStack((s) => [...queue('8', {}), gang(10)].forEach((o, i) => manifest(s, `o${i}`, o))))).toEqual([]);
  });

  test('suppressed', () => {
    expect(suppressed(checkStack((s) => [...queue('8'), gang(4)].forEach((o, i) => {
      const m = manifest(s, `o${i}`, o);
      if (i === 2) Policy.suppress(m, 'AIP-AI-005', 'quota is raised by the team before the run');
    })))).toEqual(['AIP-AI-005']);
  });
});

describe('AIP-AI-006: providers and state stay in the allowed regions', () => {
  test('a provider and a state backend outside the allowed regions are errors', () => {
    const found = checkStack((s) => {
      new AwsProvider(s, 'eu', { region: 'eu-west-1', alias: 'eu' });
      new S3Backend(s, { bucket: 'state', key: 'k', region: 'eu-central-1' });
    }, { allowedRegions: ['us-east-1'] });
    expect(found.map((x) => [x.ruleId, x.message])).toEqual([
      ['AIP-AI-006', 'aws provider "eu" uses region eu-west-1, outside the allowed regions (us-east-1).'],
      ['AIP-AI-006', 'S3 state backend uses region eu-central-1, outside the allowed regions (us-east-1).'],
    ]);
  });

  test('allowed regions pass; without allowed regions the rule does nothing', () => {
    expect(active(checkStack((s) => new S3Backend(s, { bucket: 'state', key: 'k', region: 'us-east-1' }), { allowedRegions: ['us-east-1'] }))).toEqual([]);
    expect(active(checkStack((s) => new AwsProvider(s, 'eu', { region: 'eu-west-1', alias: 'eu' })))).toEqual([]);
  });

  test('the platform\'s allowedRegions apply to its stacks: a provider added to a cluster stack is caught', () => {
    const f = fixture({ allowedRegions: ['us-east-1'] });
    new AwsProvider(f.cluster.infraStack, 'replica', { region: 'eu-west-1', alias: 'replica' });
    expect(active(checkPlatform(f.platform))).toEqual(['AIP-AI-006']);
  });

  test('suppressed', () => {
    expect(suppressed(checkStack((s) => Policy.suppress(new AwsProvider(s, 'eu', { region: 'eu-west-1', alias: 'eu' }), 'AIP-AI-006', 'replica of public data'), { allowedRegions: ['us-east-1'] }))).toEqual(['AIP-AI-006']);
  });
});
