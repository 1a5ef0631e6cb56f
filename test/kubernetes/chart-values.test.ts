/**
 * The chart-values check (test/support/chart-values.ts): every Helm value path the library sets
 * exists in the pinned chart's vendored values.yaml, and the values validate against the chart's
 * values.schema.json where it ships one. test/verify runs it over every example; here it runs
 * over unit programs that install the add-ons the examples do not, and proves it fails on wrong
 * keys.
 */
import { App } from 'cdktf';
import {
  Accelerator, AiPlatform, Capacity, Checkpointing, DeploymentMode, Duration, GpuNodePool, GpuSharing, GpuStack, KubernetesVersion, ModelSource,
  ServerlessInferenceEndpoint, ServingRuntime, TrainingPipeline, TrainingStage, WarmStart,
} from '../../lib';
import { enableMonitoring } from '../../lib/kubernetes/observability';
import { EKS_ACCESS } from '../support/eks-access';
import { chartValuesProblems, releaseValuesProblems } from '../support/chart-values';
import { synthApp, testApp } from '../support/synth';

describe('the check itself', () => {
  test('fails on the LocalModel node agent keys the library used to set (localmodel.nodeAgent.*: not keys of kserve-localmodel-resources v0.20.0)', () => {
    const problems = releaseValuesProblems('kserve-localmodel', 'kserve-localmodel-resources', 'v0.20.0', [
      { localmodel: { nodeAgent: { nodeSelector: null, affinity: {}, tolerations: [] } } },
    ]);
    expect(problems.map((p) => p.path)).toEqual(['localmodel']);
  });

  test('accepts the keys the v0.20.0 chart reads (kserve.localmodelnode.controller.*)', () => {
    expect(releaseValuesProblems('kserve-localmodel', 'kserve-localmodel-resources', 'v0.20.0', [
      { kserve: { localmodelnode: { controller: { nodeSelector: { 'kserve/localmodel': 'worker' }, affinity: { nodeAffinity: {} }, tolerations: [] } } } },
    ])).toEqual([]);
  });

  test('a deliberately misspelt key under a known map fails; keys under open maps and Kubernetes fields pass', () => {
    const problems = releaseValuesProblems('nvidia-device-plugin', 'nvidia-device-plugin', '0.20.0', [{
      devicePlugin: { enabledd: true },
      podAnnotations: { anything: 'goes' },
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
      gfd: { enabled: true },
      nfd: { worker: { tolerations: [] } },
    }]);
    expect(problems.map((p) => p.path)).toEqual(['devicePlugin.enabledd']);
  });

  test('values that break the chart\'s values.schema.json fail (cert-manager ships one)', () => {
    const problems = releaseValuesProblems('cert-manager', 'cert-manager', 'v1.19.6', [{ crds: { enabled: 'yes' } }]);
    expect(problems).toEqual([expect.objectContaining({ path: '/crds/enabled', problem: expect.stringMatching(/^values\.schema\.json: must be boolean/) })]);
    expect(releaseValuesProblems('cert-manager', 'cert-manager', 'v1.19.6', [{ crds: { enabled: true } }])).toEqual([]);
  });

  test('a chart that is not vendored is reported, not skipped', () => {
    expect(releaseValuesProblems('x', 'kserve-resources', 'v9.9.9', [{}])).toEqual([expect.objectContaining({ problem: expect.stringMatching(/no vendored values\.yaml/) })]);
  });
});

describe('the values of the add-ons the library installs', () => {
  function eks(app: App, props: Record<string, unknown> = {}) {
    return new AiPlatform(app, 'acme').addEksCluster('prod', {
      region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, version: KubernetesVersion.V1_34, ...props,
    });
  }
  function serveAndTrain(cluster: ReturnType<typeof eks>, pool: GpuNodePool) {
    new ServerlessInferenceEndpoint(cluster, 'chat', {
      pool,
      model: ModelSource.s3('s3://acme-models/chat/', { sizeGiB: 4 }),
      runtime: ServingRuntime.VLLM,
      minReplicas: 0,
      maxReplicas: 2,
      scaleToZeroAfter: Duration.minutes(10),
      warmStart: WarmStart.of({ initialScale: 0 }),
    });
    new ServerlessInferenceEndpoint(cluster, 'ranker', {
      pool,
      model: ModelSource.s3('s3://acme-models/ranker/'),
      runtime: ServingRuntime.TRITON,
      minReplicas: 1,
      maxReplicas: 2,
      deploymentMode: DeploymentMode.STANDARD,
      prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090',
    });
    new TrainingPipeline(cluster, 'recs-train', {
      stages: [TrainingStage.train('train', { image: 'ghcr.io/acme/train:1.0', pool, workers: 1, gpusPerWorker: 1, expectedDuration: Duration.hours(1) })],
      dataUri: 's3://acme-data/recs/',
      checkpointing: Checkpointing.s3('s3://acme-ckpt/recs/'),
    });
  }

  test('device plugin (time-slicing, MPS with GFD and NFD), Karpenter, Knative + KServe + LocalModel, KEDA, Kueue, JobSet, Argo, DCGM: no unknown key, schemas pass', () => {
    const app = testApp();
    const prod = eks(app, { karpenter: true });
    const pool = new GpuNodePool(prod, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 4, acceleratorTaint: false, sharing: GpuSharing.timeSlicing(2) });
    new GpuNodePool(prod, 'h100', { accelerator: Accelerator.NVIDIA_H100, capacity: Capacity.spot(), maxNodes: 2 });
    new GpuNodePool(prod, 'l4-mps', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 2, sharing: GpuSharing.mps(4) }); // GFD + the NFD subchart
    serveAndTrain(prod, pool);
    enableMonitoring(prod);
    const synth = synthApp(app);
    const charts = synth.stacks.flatMap((s) => Object.values<any>(s.json.resource?.helm_release ?? {}).map((r) => r.chart)).sort();
    expect(charts).toEqual(expect.arrayContaining(['argo-workflows', 'cert-manager', 'dcgm-exporter', 'jobset', 'karpenter', 'keda', 'knative-operator',
      'kserve-localmodel-resources', 'kserve-resources', 'kueue', 'nvidia-device-plugin']));
    expect(chartValuesProblems(synth)).toEqual([]);
  });

  test('GPU Operator stack (with MIG) and the managed-node-group Cluster Autoscaler: no unknown key, schemas pass', () => {
    const app = testApp();
    const prod = eks(app, { gpuStack: GpuStack.gpuOperator() });
    const pool = new GpuNodePool(prod, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, maxNodes: 2, sharing: GpuSharing.mig('1g.10gb') });
    serveAndTrain(prod, pool);
    const synth = synthApp(app);
    const charts = synth.stacks.flatMap((s) => Object.values<any>(s.json.resource?.helm_release ?? {}).map((r) => r.chart));
    expect(charts).toEqual(expect.arrayContaining(['gpu-operator', 'cluster-autoscaler']));
    expect(chartValuesProblems(synth)).toEqual([]);
  });
});
