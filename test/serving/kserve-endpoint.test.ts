import { App } from 'cdktf';
import { expectConfigError, manifestResource, messages, objectOf } from './support';
import type { EksCluster } from '../../lib/aws/eks-cluster';
import { GpuNodePool } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Duration } from '../../lib/core/duration';
import { GpuSharing } from '../../lib/core/gpu-sharing';
import { KubernetesVersion } from '../../lib/core/kubernetes-version';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { ExistingWorkloadIdentity } from '../../lib/platform/existing-cluster';
import { DeploymentMode, ModelSource, ServerlessInferenceEndpoint, ServingRuntime, WarmStart } from '../../lib/serving';
import { EKS_ACCESS } from '../support/eks-access';
import { defaultRegistry } from '../support/schemas';
import { kubernetesObjects, resourcesOf, Synthesized, SynthesizedStack, synthApp, testApp } from '../support/synth';

const RESTRICTED = {
  allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true, runAsUser: 1000,
};

function releases(stack: SynthesizedStack): Record<string, any> {
  return Object.fromEntries(Object.entries<any>(resourcesOf(stack, 'helm_release')).map(([id, r]) => [r.name, { id, ...r, values: r.values ? JSON.parse(r.values[0]) : undefined }]));
}

function policyOf(infra: SynthesizedStack, pathPart: string): any[] {
  const found = Object.values<any>(resourcesOf(infra, 'aws_iam_role_policy')).filter((p) => p['//'].metadata.path.includes(pathPart));
  expect(found).toHaveLength(1);
  return JSON.parse(found[0].policy).Statement;
}

describe('Knative endpoints on a time-sliced L4 pool, scaling to zero', () => {
  let synth: Synthesized;
  let infra: SynthesizedStack;
  let addons: SynthesizedStack;
  let workloads: SynthesizedStack;
  let recs: ServerlessInferenceEndpoint;
  let chat: ServerlessInferenceEndpoint;
  let big: ServerlessInferenceEndpoint;
  let ranker: ServerlessInferenceEndpoint;
  beforeAll(() => {
    const platform = new AiPlatform(testApp(), 'acme');
    const prod = platform.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS });
    const l4 = new GpuNodePool(prod, 'l4', { accelerator: Accelerator.NVIDIA_L4, minNodes: 0, maxNodes: 10, sharing: GpuSharing.timeSlicing(4) });
    recs = new ServerlessInferenceEndpoint(prod, 'recs', {
      pool: l4,
      model: ModelSource.s3('s3://acme-models/recs/', { sizeGiB: 4 }),
      runtime: ServingRuntime.TRITON,
      minReplicas: 0,
      maxReplicas: 20,
      targetConcurrency: 8,
      scaleToZeroAfter: Duration.minutes(10),
      scalingWindow: Duration.seconds(90),
      warmStart: WarmStart.of({ initialScale: 0 }),
    });
    chat = new ServerlessInferenceEndpoint(prod, 'chat', {
      pool: l4,
      model: ModelSource.huggingFace('Qwen/Qwen2.5-1.5B-Instruct', { revision: '989aa79', sizeGiB: 3.5 }),
      runtime: ServingRuntime.VLLM,
      maxReplicas: 4,
      targetRequestsPerSecond: 5,
      namespace: 'llm',
      coldStartDeadline: Duration.minutes(15),
    });
    big = new ServerlessInferenceEndpoint(prod, 'big', {
      pool: l4, model: ModelSource.s3('s3://acme-models/big/v2/', { sizeGiB: 16 }), runtime: ServingRuntime.VLLM, maxReplicas: 2, namespace: 'llm',
    });
    ranker = new ServerlessInferenceEndpoint(prod, 'ranker', {
      model: ModelSource.s3('s3://acme-models/ranker/v8/'),
      previousModel: ModelSource.s3('s3://acme-archive/ranker/v7/'),
      canaryPercent: 25,
      runtime: ServingRuntime.SKLEARN,
      minReplicas: 1,
      maxReplicas: 3,
    });
    synth = synthApp(App.of(prod));
    infra = synth.stack('acme-prod-infra');
    addons = synth.stack('acme-prod-addons');
    workloads = synth.stack('acme-prod-workloads');
  });

  test('every Kubernetes object validates against the Kubernetes 1.35, KServe, Knative and KEDA schemas', () => {
    const objects = kubernetesObjects(synth);
    expect(objects.map((o) => o.manifest.kind)).toEqual(expect.arrayContaining(['InferenceService', 'ServingRuntime', 'NetworkPolicy', 'KnativeServing', 'Namespace', 'ServiceAccount', 'DaemonSet']));
    // The pool is tainted: KServe v0.20.0 download Jobs cannot run there, so nothing is cached.
    expect(objects.filter((o) => ['LocalModelCache', 'LocalModelNodeGroup'].includes(o.manifest.kind))).toEqual([]);
    const errors = objects.flatMap((o) => defaultRegistry().validate(o.manifest).map((e) => `${o.id}: ${e}`));
    expect(errors).toEqual([]);
    expect(new Set(objects.map((o) => o.stack))).toEqual(new Set(['acme-prod-workloads']));
  });

  test('InferenceService in Knative mode: scale to zero on concurrency, scale-down delay, window, initial scale, progress deadline', () => {
    const isvc = objectOf(synth, 'InferenceService', 'recs', 'recs');
    expect(isvc.metadata.annotations).toEqual({
      'serving.kserve.io/deploymentMode': 'Knative',
      'autoscaling.knative.dev/scale-down-delay': '10m',
      'autoscaling.knative.dev/window': '90s',
      'autoscaling.knative.dev/initial-scale': '0',
      'serving.knative.dev/progress-deadline': '10m',
      // What the policy checks read (AIP-AI-003): the model size, and the warm start configured.
      'cdktf-ai-infra/model-size-gib': '4',
    });
    const p = isvc.spec.predictor;
    expect(p).toMatchObject({ minReplicas: 0, maxReplicas: 20, scaleMetric: 'concurrency', scaleTarget: 8, serviceAccountName: 'recs-model-reader' });
    expect(p.canaryTrafficPercent).toBeUndefined();
    expect(p.nodeSelector).toEqual({ 'cdktf-ai-infra/pool': 'l4' });
    expect(p.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(p.model).toEqual({
      modelFormat: { name: 'triton', version: '2' },
      runtime: 'recs-triton',
      storageUri: 's3://acme-models/recs/',
      protocolVersion: 'v2',
      resources: { requests: { 'cpu': '1', 'memory': '5Gi', 'nvidia.com/gpu': '1' }, limits: { 'cpu': '1', 'memory': '5Gi', 'nvidia.com/gpu': '1' } },
      securityContext: RESTRICTED,
    });
    expect(isvc.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'recs', 'app.kubernetes.io/part-of': 'acme' });
  });

  test('requests per second: scaleMetric rps; vLLM on a 4-way time-sliced GPU gets a quarter of its memory', () => {
    const isvc = objectOf(synth, 'InferenceService', 'chat', 'llm');
    expect(isvc.spec.predictor).toMatchObject({ minReplicas: 0, maxReplicas: 4, scaleMetric: 'rps', scaleTarget: 5 });
    expect(isvc.spec.predictor.model.storageUri).toBe('hf://Qwen/Qwen2.5-1.5B-Instruct:989aa79');
    expect(isvc.spec.predictor.model.args).toEqual(['--gpu-memory-utilization=0.22']);
    expect(isvc.metadata.annotations['serving.knative.dev/progress-deadline']).toBe('15m');
    expect(isvc.metadata.annotations['autoscaling.knative.dev/scale-down-delay']).toBe('5m');
  });

  test('ServingRuntime pins the image, runs as UID 1000 without privilege, mounts /dev/shm', () => {
    const rt = objectOf(synth, 'ServingRuntime', 'chat-vllm', 'llm');
    expect(rt.spec.supportedModelFormats).toEqual([{ name: 'vllm', autoSelect: false }]);
    const [c] = rt.spec.containers;
    expect(c.image).toBe('vllm/vllm-openai:v0.18.2');
    expect(c.args).toEqual(['/mnt/models', '--served-model-name={{.Name}}', '--port=8080']);
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'HOME', value: '/tmp' }, { name: 'VLLM_NO_USAGE_STATS', value: '1' }]));
    expect(c.securityContext).toEqual(RESTRICTED);
    expect(c.ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
    expect(c.volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
    expect(rt.spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
    expect(objectOf(synth, 'ServingRuntime', 'recs-triton').spec.containers[0].image).toBe('nvcr.io/nvidia/tritonserver:26.06-py3');
  });

  test('namespace: baseline enforced, restricted audited and warned; default deny; ingress only from the serving gateway', () => {
    const ns = objectOf(synth, 'Namespace', 'recs');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted',
    });
    const deny = objectOf(synth, 'NetworkPolicy', 'default-deny', 'recs');
    expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const gateway = objectOf(synth, 'NetworkPolicy', 'allow-serving-gateway', 'recs');
    expect(gateway.spec.ingress).toEqual([{
      from: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'knative-serving' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kourier-system' } } },
      ],
    }]);
    const egress = objectOf(synth, 'NetworkPolicy', 'recs-model-download', 'recs');
    expect(egress.spec).toEqual({
      podSelector: { matchLabels: { 'serving.kserve.io/inferenceservice': 'recs' } },
      policyTypes: ['Egress'],
      egress: [
        { ports: [{ protocol: 'TCP', port: 443 }] },
        // The EKS Pod Identity agent (the model download's AWS credentials), once the VPC CNI enforces policies.
        { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }], ports: [{ protocol: 'TCP', port: 80 }] },
      ],
    });
    // Two endpoints share the llm namespace: one namespace, one set of policies.
    expect(kubernetesObjects(synth).filter((o) => o.manifest.kind === 'Namespace' && o.manifest.metadata.name === 'llm')).toHaveLength(1);
    expect(kubernetesObjects(synth).filter((o) => o.manifest.kind === 'NetworkPolicy' && o.manifest.metadata.namespace === 'llm' && o.manifest.metadata.name === 'default-deny')).toHaveLength(1);
  });

  test('no PodDisruptionBudget for endpoints that scale to zero, nor for ranker\'s single replica (minAvailable 1 would block every drain)', () => {
    expect(kubernetesObjects(synth).filter((o) => o.manifest.kind === 'PodDisruptionBudget').map((o) => o.manifest.metadata.name)).toEqual([]);
    expect(messages(ranker, 'info')).toEqual(expect.arrayContaining([expect.stringMatching(/ranker\/ranker: one replica, so no PodDisruptionBudget/)]));
  });

  test('service account: no token automount, no IRSA annotation (EKS Pod Identity), least-privilege read of the model prefix', () => {
    const sa = objectOf(synth, 'ServiceAccount', 'recs-model-reader', 'recs');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.metadata.annotations).toBeUndefined();
    const association = Object.values<any>(resourcesOf(infra, 'aws_eks_pod_identity_association')).find((a) => a.service_account === 'recs-model-reader');
    expect(association).toMatchObject({ namespace: 'recs' });
    expect(policyOf(infra, 'recs/Identity-recs-recs-model-reader')).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::acme-models/recs/*'] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::acme-models'], Condition: { StringLike: { 's3:prefix': ['recs/*'] } } },
    ]);
    // A Hub model needs no cloud identity.
    expect(Object.values<any>(resourcesOf(infra, 'aws_eks_pod_identity_association')).find((a) => a.namespace === 'llm' && a.service_account === 'chat-model-reader')).toBeUndefined();
  });

  test('warm start on a tainted pool: no model cache (KServe v0.20.0 download Jobs have no tolerations), said as info; image pre-pull', () => {
    expect(messages(recs, 'info')).toEqual(expect.arrayContaining([expect.stringMatching(/warm start without a model cache: pool l4 has taints \(nvidia\.com\/gpu:NoSchedule\)/)]));
    const pull = objectOf(synth, 'DaemonSet', 'recs-image-pre-pull', 'recs');
    const pod = pull.spec.template.spec;
    expect(pod.initContainers[0]).toMatchObject({ image: 'nvcr.io/nvidia/tritonserver:26.06-py3', command: ['sh', '-c', 'exit 0'] });
    expect(pod.containers[0].image).toBe('registry.k8s.io/pause:3.10');
    expect(pod.nodeSelector).toEqual({ 'cdktf-ai-infra/pool': 'l4' });
    expect(pod.automountServiceAccountToken).toBe(false);
    // The InferenceService waits for its runtime and namespace.
    const isvc = manifestResource(synth, 'InferenceService', 'recs').resource;
    expect(isvc.depends_on).toEqual(expect.arrayContaining([
      `kubernetes_manifest.${manifestResource(synth, 'ServingRuntime', 'recs-triton').id}`,
      `kubernetes_manifest.${manifestResource(synth, 'Namespace', 'recs').id}`,
    ]));
  });

  test('add-ons: CRD charts and the Knative operator in the addons stack; KnativeServing, then the KServe controller, in the workloads stack', () => {
    const a = releases(addons);
    expect(a['cert-manager']).toMatchObject({ chart: 'cert-manager', version: 'v1.19.6', repository: 'https://charts.jetstack.io', values: { crds: { enabled: true } } });
    expect(a['kserve-crd']).toMatchObject({ chart: 'kserve-crd', version: 'v0.20.0', repository: 'oci://ghcr.io/kserve/charts' });
    expect(a['kserve-localmodel-crd']).toBeUndefined();
    expect(a['knative-operator']).toMatchObject({ chart: 'knative-operator', version: 'v1.23.0', namespace: 'knative-operator' });
    const w = releases(workloads);
    expect(Object.keys(w).sort()).toEqual(['kserve']);
    const knative = manifestResource(synth, 'KnativeServing', 'knative-serving');
    expect(w.kserve).toMatchObject({ chart: 'kserve-resources', version: 'v0.20.0', namespace: 'kserve' });
    expect(w.kserve.depends_on).toEqual([`kubernetes_manifest.${knative.id}`]);
    expect(w.kserve.values).toEqual({
      kserve: {
        controller: { deploymentMode: 'Knative', gateway: { disableIstioVirtualHost: true, disableIngressCreation: true } },
      },
    });
    // No KEDA: every endpoint here is in Knative mode.
    expect(a.keda).toBeUndefined();
  });

  test('KnativeServing: pinned 1.23.0, Kourier, node scheduling features, waited on until Ready', () => {
    const { resource } = manifestResource(synth, 'KnativeServing', 'knative-serving');
    expect(resource.manifest.apiVersion).toBe('operator.knative.dev/v1beta1');
    expect(resource.manifest.spec.version).toBe('1.23.0');
    expect(resource.manifest.spec.ingress).toEqual({ kourier: { enabled: true } });
    expect(resource.manifest.spec.config.network).toEqual({ 'ingress-class': 'kourier.ingress.networking.knative.dev' });
    expect(resource.manifest.spec.config.features).toMatchObject({
      'kubernetes.podspec-nodeselector': 'enabled', 'kubernetes.podspec-affinity': 'enabled', 'kubernetes.podspec-tolerations': 'enabled',
    });
    expect(resource.wait).toEqual({ condition: [{ type: 'Ready', status: 'True' }] });
    expect(objectOf(synth, 'Namespace', 'knative-serving').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });

  test('cold-start estimate: node from zero (managed node group), image pull, download, load; exposed, summarised, warned about', () => {
    expect(recs.coldStart).toMatchObject({
      nodeProvisioningSeconds: 240, imagePullSeconds: 82, modelDownloadSeconds: 21, modelLoadSeconds: 15 + 5, complete: true,
    });
    expect(recs.coldStart.totalSeconds).toBe(240 + 82 + 21 + 20);
    expect(messages(recs, 'info')).toEqual(expect.arrayContaining([expect.stringMatching(/^recs: kserve-knative, recs\/recs on l4 \(1 × nvidia\.com\/gpu\), 0-20 replicas, 8 in flight\/replica, scale-down after 10 minutes, cold start ~6 min/)]));
    // 16 GiB, scale to zero, no warm start.
    expect(messages(big)).toEqual(expect.arrayContaining([expect.stringMatching(/scales to zero with a 16 GiB model and no warm start/)]));
    expect(messages(recs)).toEqual([]);
    expect(chat.coldStart.modelDownloadSeconds).toBe(36);
  });

  test('canary: a quarter of the traffic to the new version, read access to both versions\' prefixes', () => {
    const isvc = objectOf(synth, 'InferenceService', 'ranker');
    expect(isvc.spec.predictor.canaryTrafficPercent).toBe(25);
    expect(isvc.spec.predictor.model.storageUri).toBe('s3://acme-models/ranker/v8/');
    expect(policyOf(infra, 'ranker/Identity-ranker-ranker-model-reader')).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::acme-models/ranker/v8/*', 'arn:aws:s3:::acme-archive/ranker/v7/*'] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::acme-archive'], Condition: { StringLike: { 's3:prefix': ['ranker/v7/*'] } } },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::acme-models'], Condition: { StringLike: { 's3:prefix': ['ranker/v8/*'] } } },
    ]);
    expect(ranker.promotion.canaryPercent).toBe(25);
  });

  test('replica profile for cost estimates, and the promotion seam', () => {
    expect(recs).toMatchObject({ minReplicas: 0, maxReplicas: 20, targetConcurrency: 8, gpusPerReplica: 1, gpuResourceName: 'nvidia.com/gpu', realisation: 'kserve-knative' });
    expect(recs.deploymentMode).toBe(DeploymentMode.KNATIVE);
    expect(recs.scaleDownDelay.toMinutes()).toBe(10);
    expect(recs.coldStartTime.toSeconds()).toBe(recs.coldStart.totalSeconds);
    expect(recs.pool?.poolName).toBe('l4');
    expect(chat.targetRequestsPerSecond).toBe(5);
    expect(chat.targetConcurrency).toBeUndefined();
    expect(recs.promotion).toEqual({
      kind: 'kserve',
      modelVersionsUri: 's3://acme-models/recs/',
      namespace: 'recs',
      inferenceServiceName: 'recs',
      cluster: recs.cluster,
      sagemakerEndpointName: undefined,
      canaryPercent: 100,
      _enableSageMakerRollout: undefined,
      _acceptModelRollouts: expect.any(Function),
    });
    expect(recs.resource.node.path).toBe('acme-prod-workloads/recs/InferenceService');
  });
});

describe('LocalModel warm start on an untainted pool (KServe v0.20.0)', () => {
  let synth: Synthesized;
  let prod: EksCluster;
  let l4: GpuNodePool;
  let tainted: GpuNodePool;
  beforeAll(() => {
    const platform = new AiPlatform(testApp(), 'acme');
    prod = platform.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, version: KubernetesVersion.V1_34 });
    l4 = new GpuNodePool(prod, 'l4', { accelerator: Accelerator.NVIDIA_L4, minNodes: 0, maxNodes: 10, acceleratorTaint: false });
    tainted = new GpuNodePool(prod, 'h100', { accelerator: Accelerator.NVIDIA_H100, minNodes: 0, maxNodes: 2 });
    new ServerlessInferenceEndpoint(prod, 'recs', {
      pool: l4,
      model: ModelSource.s3('s3://acme-models/recs/', { sizeGiB: 4 }),
      runtime: ServingRuntime.TRITON,
      minReplicas: 0,
      maxReplicas: 20,
      targetConcurrency: 8,
      warmStart: WarmStart.of({ initialScale: 0 }),
    });
    synth = synthApp(App.of(prod));
  });

  test('every object validates; a LocalModelCache on the pool\'s LocalModelNodeGroup, named for the isvc; the isvc waits for it', () => {
    const registry = defaultRegistry();
    expect(kubernetesObjects(synth).flatMap((o) => registry.validate(o.manifest))).toEqual([]);
    const cache = objectOf(synth, 'LocalModelCache', 'recs');
    // No service account: KServe v0.20.0 runs the download Job as the job namespace's default account.
    expect(cache.spec).toEqual({ sourceModelUri: 's3://acme-models/recs/', modelSize: '4Gi', nodeGroups: ['l4'] });
    const group = objectOf(synth, 'LocalModelNodeGroup', 'l4');
    expect(group.spec.storageLimit).toBe('10Gi');
    expect(group.spec.persistentVolumeSpec.nodeAffinity.required.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'cdktf-ai-infra/pool', operator: 'In', values: ['l4'] }] },
    ]);
    const isvc = manifestResource(synth, 'InferenceService', 'recs').resource;
    expect(isvc.depends_on).toEqual(expect.arrayContaining([`kubernetes_manifest.${manifestResource(synth, 'LocalModelCache', 'recs').id}`]));
    expect(isvc.manifest.metadata.annotations['cdktf-ai-infra/warm-start']).toBe('local-model-cache');
  });

  test('download Jobs read the model as kserve-localmodel-jobs/default (EKS Pod Identity), with the endpoint\'s read permissions', () => {
    const infra = synth.stack('acme-prod-infra');
    const association = Object.values<any>(resourcesOf(infra, 'aws_eks_pod_identity_association')).find((a) => a.namespace === 'kserve-localmodel-jobs');
    expect(association).toMatchObject({ service_account: 'default' });
    expect(policyOf(infra, 'recs/Identity-kserve-localmodel-jobs-default')).toEqual(policyOf(infra, 'recs/Identity-recs-recs-model-reader'));
  });

  test('node agent: values keys the v0.20.0 chart reads (kserve.localmodelnode.controller.*), its kserve/localmodel=worker label on the untainted pool only', () => {
    const w = releases(synth.stack('acme-prod-workloads'));
    expect(w['kserve-localmodel'].depends_on).toEqual([`helm_release.${w.kserve.id}`]);
    expect(w['kserve-localmodel'].values).toEqual({
      kserve: {
        localmodelnode: {
          controller: {
            nodeSelector: { 'kserve/localmodel': 'worker' },
            affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'cdktf-ai-infra/pool', operator: 'In', values: ['l4'] }] }] } } },
            tolerations: [],
          },
        },
      },
    });
    expect(w.kserve.values.kserve.localmodel).toEqual({ enabled: true });
    expect(releases(synth.stack('acme-prod-addons'))['kserve-localmodel-crd']).toMatchObject({ chart: 'kserve-localmodel-crd', version: 'v0.20.0' });
    expect(l4.nodeLabels['kserve/localmodel']).toBe('worker');
    expect(tainted.nodeLabels['kserve/localmodel']).toBeUndefined();
  });

  test('throws when cacheModel is asked on a tainted pool, and for a second cached endpoint with private model reads on one EKS cluster', () => {
    expectConfigError(() => new ServerlessInferenceEndpoint(prod, 'big', {
      pool: tainted, model: ModelSource.s3('s3://acme-models/big/', { sizeGiB: 40 }), runtime: ServingRuntime.VLLM, maxReplicas: 2, warmStart: WarmStart.of({ cacheModel: true }),
    }), { field: 'warmStart.cacheModel', expected: /pool h100 has nvidia\.com\/gpu:NoSchedule.*no tolerations/ });
    expectConfigError(() => new ServerlessInferenceEndpoint(prod, 'other', {
      pool: l4, model: ModelSource.s3('s3://acme-models/other/', { sizeGiB: 4 }), runtime: ServingRuntime.TRITON, maxReplicas: 2, warmStart: WarmStart.of({}),
    }), { field: 'warmStart.cacheModel', expected: /one cached endpoint with private model reads per cluster/ });
  });
});

describe('Standard mode with KEDA for GPU endpoints that keep replicas', () => {
  let synth: Synthesized;
  let chat: ServerlessInferenceEndpoint;
  let cluster: EksCluster;
  beforeAll(() => {
    const platform = new AiPlatform(testApp(), 'acme');
    cluster = platform.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, karpenter: true });
    const h100 = new GpuNodePool(cluster, 'h100', { accelerator: Accelerator.NVIDIA_H100, maxNodes: 2 });
    chat = new ServerlessInferenceEndpoint(cluster, 'chat', {
      pool: h100,
      gpusPerReplica: 2,
      model: ModelSource.s3('s3://acme-models/llama/v3/', { sizeGiB: 140 }),
      runtime: ServingRuntime.VLLM,
      minReplicas: 2,
      maxReplicas: 8,
      targetConcurrency: 24,
      scaleToZeroAfter: Duration.minutes(15),
      resources: { cpu: '16', memory: '200Gi' },
      clientNamespaces: ['apps'],
      warmStart: WarmStart.of({ cacheModel: false, keepWarm: [{ replicas: 6, start: '0 8 * * 1-5', end: '0 19 * * 1-5', timezone: 'Europe/Berlin' }] }),
      modelVersionsUri: 's3://acme-models/llama/',
    });
    synth = synthApp(App.of(cluster));
  });

  test('every object validates', () => {
    const errors = kubernetesObjects(synth).flatMap((o) => defaultRegistry().validate(o.manifest).map((e) => `${o.id}: ${e}`));
    expect(errors).toEqual([]);
  });

  test('InferenceService: Standard mode, external autoscaler, Prometheus scraping, tensor parallelism', () => {
    const isvc = objectOf(synth, 'InferenceService', 'chat');
    expect(isvc.metadata.annotations).toEqual({
      'serving.kserve.io/deploymentMode': 'Standard',
      'serving.kserve.io/autoscalerClass': 'external',
      'serving.kserve.io/enable-prometheus-scraping': 'true',
      'cdktf-ai-infra/model-size-gib': '140',
      'cdktf-ai-infra/warm-start': 'scheduled-warm-pool',
    });
    const p = isvc.spec.predictor;
    expect(p).toMatchObject({ minReplicas: 2, maxReplicas: 8 });
    expect(p.canaryTrafficPercent).toBeUndefined();
    expect(p.scaleMetric).toBeUndefined();
    expect(p.scaleTarget).toBeUndefined();
    expect(p.model.args).toEqual(['--tensor-parallel-size=2']);
    expect(p.model.resources.limits).toEqual({ 'cpu': '16', 'memory': '200Gi', 'nvidia.com/gpu': '2' });
    expect(chat.realisationReason).toMatch(/Standard mode with KEDA: it keeps ≥ 1 replica on GPUs/);
  });

  test('ScaledObject: in-flight requests from Prometheus, keep-warm cron window, scale-down stabilization', () => {
    const so = objectOf(synth, 'ScaledObject', 'chat-predictor', 'chat');
    expect(so.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'chat-predictor' },
      minReplicaCount: 2,
      maxReplicaCount: 8,
      pollingInterval: 15,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 900 } } } },
      triggers: [
        {
          type: 'prometheus',
          name: 'concurrency',
          metadata: {
            serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
            query: 'sum({__name__=~"vllm:num_requests_running|vllm:num_requests_waiting",namespace="chat",pod=~"chat-predictor-.*"})',
            threshold: '24',
          },
        },
        { type: 'cron', name: 'keep-warm-0', metadata: { timezone: 'Europe/Berlin', start: '0 8 * * 1-5', end: '0 19 * * 1-5', desiredReplicas: '6' } },
      ],
    });
    expect(releases(synth.stack('acme-prod-addons')).keda).toMatchObject({ chart: 'keda', version: '2.20.2' });
  });

  test('PodDisruptionBudget keeps all but one replica; ingress from Prometheus and client namespaces', () => {
    expect(objectOf(synth, 'PodDisruptionBudget', 'chat', 'chat').spec).toEqual({
      minAvailable: 1, selector: { matchLabels: { 'serving.kserve.io/inferenceservice': 'chat', 'component': 'predictor' } },
    });
    expect(objectOf(synth, 'NetworkPolicy', 'chat-metrics', 'chat').spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }]);
    expect(objectOf(synth, 'NetworkPolicy', 'chat-clients', 'chat').spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } } }] }]);
  });

  test('read access covers the served and future versions (the versions prefix covers the model\'s)', () => {
    const policy = Object.values<any>(resourcesOf(synth.stack('acme-prod-infra'), 'aws_iam_role_policy')).find((p) => p['//'].metadata.path.includes('Identity-chat-chat-model-reader'));
    expect(JSON.parse(policy.policy).Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::acme-models/llama/*'] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::acme-models'], Condition: { StringLike: { 's3:prefix': ['llama/*'] } } },
    ]);
    expect(chat.promotion).toMatchObject({ kind: 'kserve', modelVersionsUri: 's3://acme-models/llama/', canaryPercent: 100, inferenceServiceName: 'chat', namespace: 'chat' });
  });

  test('image pre-pulled on the Karpenter pool; an endpoint that keeps replicas keeps a node, so the cold start skips node and image', () => {
    expect(objectOf(synth, 'DaemonSet', 'chat-image-pre-pull', 'chat').spec.template.spec.initContainers[0].image).toBe('vllm/vllm-openai:v0.18.2');
    expect(chat.coldStart.nodeProvisioningSeconds).toBe(0);
    expect(chat.coldStart.imagePullSeconds).toBe(0);
    expect(chat.coldStart.modelDownloadSeconds).toBe(Math.ceil(140 * 1024 / 200));
    expect(kubernetesObjects(synth).filter((o) => o.manifest.kind === 'LocalModelCache')).toEqual([]);
  });
});

describe('CPU endpoints on an existing cluster', () => {
  let synth: Synthesized;
  let iris: ServerlessInferenceEndpoint;
  beforeAll(() => {
    const platform = new AiPlatform(testApp(), 'acme');
    const lab = platform.addExistingCluster('lab', { workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-models') });
    iris = new ServerlessInferenceEndpoint(lab, 'iris', { model: ModelSource.s3('s3://acme-models/iris/v1/'), runtime: ServingRuntime.SKLEARN, minReplicas: 1, maxReplicas: 3 });
    new ServerlessInferenceEndpoint(lab, 'legacy', {
      model: ModelSource.pvc('legacy-weights', 'v4'), runtime: ServingRuntime.custom('registry.example.com/legacy/server:4.2.0', ['--port=8080'], { runAsRoot: true }), namespace: 'tabular',
    });
    new ServerlessInferenceEndpoint(lab, 'xgb', {
      model: ModelSource.uri('gs://acme-public/xgb/v1/'), runtime: ServingRuntime.kserve('kserve-xgbserver', 'xgboost', { modelFormatVersion: '1' }), namespace: 'tabular',
    });
    synth = synthApp(App.of(lab));
  });

  test('every object validates', () => {
    const errors = kubernetesObjects(synth).flatMap((o) => defaultRegistry().validate(o.manifest).map((e) => `${o.id}: ${e}`));
    expect(errors).toEqual([]);
  });

  test('Knative for a CPU endpoint that keeps a replica, no PodDisruptionBudget for its single replica, no GPU placement', () => {
    const isvc = objectOf(synth, 'InferenceService', 'iris');
    expect(isvc.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Knative');
    expect(isvc.spec.predictor.nodeSelector).toBeUndefined();
    expect(isvc.spec.predictor.tolerations).toBeUndefined();
    expect(isvc.spec.predictor.model.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(kubernetesObjects(synth).filter((o) => o.manifest.kind === 'PodDisruptionBudget' && o.manifest.metadata.name === 'iris')).toEqual([]);
    expect(iris.realisationReason).toMatch(/request-driven autoscaling/);
    expect(iris.coldStart.nodeProvisioningSeconds).toBe(0);
    expect(iris.coldStart.complete).toBe(false);
  });

  test('S3 credentials from the workload identity secret, attached to the service account for the storage initializer', () => {
    expect(objectOf(synth, 'ServiceAccount', 'iris-model-reader', 'iris')).toMatchObject({ automountServiceAccountToken: false, secrets: [{ name: 'aws-models' }] });
  });

  test('an image that needs root keeps every other restriction; a PVC model downloads nothing (no egress opened)', () => {
    const rt = objectOf(synth, 'ServingRuntime', 'legacy-custom', 'tabular');
    expect(rt.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(objectOf(synth, 'InferenceService', 'legacy', 'tabular').spec.predictor.model.storageUri).toBe('pvc://legacy-weights/v4');
    expect(kubernetesObjects(synth).filter((o) => o.manifest.metadata.name === 'legacy-model-download')).toEqual([]);
  });

  test('a KServe ClusterServingRuntime by name: runtime configs chart installed, no namespaced runtime, chart-chosen user', () => {
    const isvc = objectOf(synth, 'InferenceService', 'xgb', 'tabular');
    expect(isvc.spec.predictor.model).toMatchObject({ runtime: 'kserve-xgbserver', modelFormat: { name: 'xgboost', version: '1' }, storageUri: 'gs://acme-public/xgb/v1/' });
    expect(isvc.spec.predictor.model.securityContext.runAsNonRoot).toBeUndefined();
    expect(kubernetesObjects(synth).filter((o) => o.manifest.kind === 'ServingRuntime').map((o) => o.manifest.metadata.name).sort()).toEqual(['iris-sklearn', 'legacy-custom']);
    const w = releases(synth.stack('acme-lab-workloads'));
    expect(w['kserve-runtimes']).toMatchObject({ chart: 'kserve-runtime-configs', version: 'v0.20.0', values: { kserve: { servingruntime: { enabled: true } } } });
    expect(w['kserve-runtimes'].depends_on).toEqual([`helm_release.${w.kserve.id}`]);
    const isvcResource = manifestResource(synth, 'InferenceService', 'xgb').resource;
    expect(isvcResource.depends_on).toContain(`helm_release.${w['kserve-runtimes'].id}`);
  });
});
