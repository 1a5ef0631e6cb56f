import { Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { expectConfigError, messages } from './support';
import type { EksCluster } from '../../lib/aws/eks-cluster';
import { GpuNodePool } from '../../lib/compute/gpu-node-pool';
import type { IGpuNodePool } from '../../lib/compute/pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Duration } from '../../lib/core/duration';
import { GpuSharing, MigStrategy } from '../../lib/core/gpu-sharing';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { ExistingCluster, ExistingWorkloadIdentity } from '../../lib/platform/existing-cluster';
import {
  DeploymentMode, ModelSource, ServerlessInferenceEndpoint, ServerlessInferenceEndpointProps, ServingRuntime, ServingTarget, WarmStart,
} from '../../lib/serving';
import { EKS_ACCESS } from '../support/eks-access';
import { testApp } from '../support/synth';

const SKLEARN_ECR = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const HF = ModelSource.huggingFace('acme/model', { sizeGiB: 2 });
const S3 = ModelSource.s3('s3://acme-models/recs/v1/', { sizeGiB: 2 });

let platform: AiPlatform;
let lab: ExistingCluster;
let a100: IGpuNodePool;
let sliced: IGpuNodePool;
let n = 0;
beforeEach(() => {
  platform = new AiPlatform(testApp(), 'acme');
  lab = platform.addExistingCluster('lab', { workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws') });
  a100 = GpuNodePool.fromExistingNodes(lab, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { gpu: 'a100' }, gpus: 8 });
  sliced = GpuNodePool.fromExistingNodes(lab, 'sliced', { accelerator: Accelerator.NVIDIA_L4, nodeSelector: { gpu: 'l4' }, gpus: 4, sharing: GpuSharing.timeSlicing(4) });
});

/** A new endpoint `e<n>` on the lab cluster (or another scope) with defaults that pass. */
type Attempt = { path: string; make: () => ServerlessInferenceEndpoint };
function endpoint(props: Partial<ServerlessInferenceEndpointProps>, scope: Construct = lab): Attempt {
  const id = `e${n++}`;
  return {
    path: `${scope.node.path}/${id}`,
    make: () => new ServerlessInferenceEndpoint(scope, id, { model: HF, runtime: ServingRuntime.SKLEARN, ...props }),
  };
}

/** Expect a ConfigError on `field`; with a third argument, also the value received; a fourth is the scope. */
function throws(props: Partial<ServerlessInferenceEndpointProps>, field: string, ...rest: [received?: unknown, scope?: Construct]) {
  const e = endpoint(props, rest[1]);
  return rest.length ? expectConfigError(e.make, { path: e.path, field, received: rest[0] }) : expectConfigError(e.make, { path: e.path, field });
}

const serverless = (o: Partial<Parameters<typeof ServingTarget.sagemakerServerless>[0]> = {}) =>
  ServingTarget.sagemakerServerless({ image: SKLEARN_ECR, region: 'us-east-1', memorySizeMiB: 2048, ...o });
const async = (o: Partial<Parameters<typeof ServingTarget.sagemakerAsync>[0]> = {}) =>
  ServingTarget.sagemakerAsync({ image: SKLEARN_ECR, region: 'us-east-1', instanceType: 'ml.m5.large', ...o });

describe('ServerlessInferenceEndpoint validation', () => {
  test('passes with the defaults used below', () => {
    expect(() => endpoint({}).make()).not.toThrow();
  });

  describe('replicas and scaling', () => {
    test('throws when min > max', () => {
      const e = throws({ minReplicas: 3, maxReplicas: 2 }, 'minReplicas', 3);
      expect(e.message).toMatch(/at most maxReplicas \(2\)/);
    });
    test('throws when minReplicas is negative or not an integer', () => {
      throws({ minReplicas: -1 }, 'minReplicas', -1);
      throws({ minReplicas: 1.5 }, 'minReplicas', 1.5);
    });
    test('throws when maxReplicas is below 1', () => {
      throws({ maxReplicas: 0 }, 'maxReplicas', 0);
    });
    test('throws when both targetConcurrency and targetRequestsPerSecond are set', () => {
      throws({ targetConcurrency: 4, targetRequestsPerSecond: 10 }, 'targetRequestsPerSecond', 10);
    });
    test('throws when a scaling target is not a positive integer', () => {
      throws({ targetConcurrency: 0 }, 'targetConcurrency', 0);
      throws({ targetRequestsPerSecond: 2.5 }, 'targetRequestsPerSecond', 2.5);
    });
    test('throws when scaleToZeroAfter is outside Knative\'s 0s–1h', () => {
      const e = throws({ scaleToZeroAfter: Duration.minutes(61) }, 'scaleToZeroAfter', '1 hour 1 minute');
      expect(e.message).toMatch(/0s to 1h/);
      expect(() => endpoint({ scaleToZeroAfter: Duration.hours(1) }).make()).not.toThrow();
      expect(() => endpoint({ scaleToZeroAfter: Duration.seconds(0) }).make()).not.toThrow();
    });
    test('throws when the scaling window is outside 6s–1h', () => {
      throws({ scalingWindow: Duration.seconds(5) }, 'scalingWindow', '5 seconds');
      throws({ scalingWindow: Duration.hours(2) }, 'scalingWindow', '2 hours');
    });
    test('throws when the cold-start deadline is zero', () => {
      throws({ coldStartDeadline: Duration.seconds(0) }, 'coldStartDeadline', '0 seconds');
    });
    test('throws when Standard mode is asked for an endpoint that scales to zero', () => {
      throws({ deploymentMode: DeploymentMode.STANDARD, minReplicas: 0 }, 'deploymentMode', 'Standard');
    });
    test('throws when Standard mode has no Prometheus metric for the target', () => {
      // The scikit-learn server exports a request counter but no in-flight gauge.
      const e = throws({ deploymentMode: DeploymentMode.STANDARD, minReplicas: 1, targetConcurrency: 5 }, 'targetConcurrency', 5);
      expect(e.message).toMatch(/targetRequestsPerSecond/);
      expect(() => endpoint({ deploymentMode: DeploymentMode.STANDARD, minReplicas: 1, targetRequestsPerSecond: 5 }).make()).not.toThrow();
      throws({ deploymentMode: DeploymentMode.STANDARD, minReplicas: 1, targetRequestsPerSecond: 5, runtime: ServingRuntime.custom('ghcr.io/acme/srv:1.0.0') }, 'targetRequestsPerSecond', 5);
    });
    test('throws when the Prometheus URL is not an http(s) URL', () => {
      throws({ pool: a100, runtime: ServingRuntime.VLLM, minReplicas: 1, prometheusUrl: 'prometheus:9090' }, 'prometheusUrl', 'prometheus:9090');
    });
    test('throws when a number that decides the realisation is an unresolved token', () => {
      throws({ minReplicas: Token.asNumber(Lazy.numberValue({ produce: () => 1 })) }, 'minReplicas');
    });
    test('throws when replica resources are not quantities', () => {
      throws({ resources: { cpu: 'two' } }, 'resources.cpu', 'two');
      throws({ resources: { memory: '16 GB' } }, 'resources.memory', '16 GB');
    });
  });

  describe('GPUs and pools', () => {
    test('throws when a GPU runtime would run on CPU (no pool)', () => {
      const e = throws({ runtime: ServingRuntime.VLLM }, 'pool', undefined);
      expect(e.message).toMatch(/runtime vllm needs a GPU/);
      throws({ runtime: ServingRuntime.custom('ghcr.io/acme/srv:1.0.0', [], { requiresGpu: true }) }, 'pool');
    });
    test('throws when GPUs are asked without a pool', () => {
      throws({ gpusPerReplica: 1 }, 'gpusPerReplica', 1);
      throws({ gpuResourceName: 'nvidia.com/gpu' }, 'gpuResourceName', 'nvidia.com/gpu');
    });
    test('throws when the GPU request does not match the pool\'s sharing (several shared units)', () => {
      const e = throws({ pool: sliced, runtime: ServingRuntime.VLLM, gpusPerReplica: 2 }, 'gpusPerReplica', 2);
      expect(e.message).toMatch(/1: pool sliced shares GPUs \(timeSlicing\(4\)\)/);
    });
    test('throws when the GPU request names another resource than the pool\'s sharing resource', () => {
      const mig = GpuNodePool.fromExistingNodes(lab, 'mig', {
        accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { gpu: 'mig' }, gpus: 8, sharing: GpuSharing.mig('1g.10gb', { strategy: MigStrategy.MIXED }),
      });
      const e = throws({ pool: mig, runtime: ServingRuntime.VLLM, gpuResourceName: 'nvidia.com/gpu' }, 'gpuResourceName', 'nvidia.com/gpu');
      expect(e.message).toMatch(/"nvidia\.com\/mig-1g\.10gb"/);
      expect(endpoint({ pool: mig, runtime: ServingRuntime.VLLM, gpuResourceName: 'nvidia.com/mig-1g.10gb' }).make().gpuResourceName).toBe('nvidia.com/mig-1g.10gb');
    });
    test('throws when a replica asks more GPUs than a node has, or a fraction', () => {
      throws({ pool: a100, runtime: ServingRuntime.VLLM, gpusPerReplica: 9 }, 'gpusPerReplica', 9);
      throws({ pool: a100, runtime: ServingRuntime.VLLM, gpusPerReplica: 0.5 }, 'gpusPerReplica', 0.5);
    });
    test('warns when the pool cannot hold maxReplicas', () => {
      const e = endpoint({ pool: a100, runtime: ServingRuntime.VLLM, gpusPerReplica: 4, maxReplicas: 3 }).make();
      expect(messages(e)).toEqual([expect.stringMatching(/maxReplicas 3 × 4 nvidia\.com\/gpu exceeds the 8 units/)]);
    });
    test('throws when the pool belongs to another cluster', () => {
      const other = platform.addExistingCluster('other');
      throws({ pool: a100, runtime: ServingRuntime.VLLM }, 'pool', 'acme/lab/a100', other);
    });
  });

  describe('canary', () => {
    test('throws when a canary has no previous version', () => {
      const e = throws({ model: S3, canaryPercent: 10 }, 'canaryPercent', 10);
      expect(e.message).toMatch(/set previousModel/);
    });
    test('throws when the canary share is not 1–99', () => {
      const previousModel = ModelSource.s3('s3://acme-models/recs/v0/');
      throws({ model: S3, previousModel, canaryPercent: 0 }, 'canaryPercent', 0);
      throws({ model: S3, previousModel, canaryPercent: 100 }, 'canaryPercent', 100);
    });
    test('throws when a canary is asked in Standard mode', () => {
      const previousModel = ModelSource.s3('s3://acme-models/recs/v0/');
      const e = throws({ pool: a100, runtime: ServingRuntime.VLLM, minReplicas: 1, model: S3, previousModel, canaryPercent: 10 }, 'canaryPercent', 10);
      expect(e.message).toMatch(/Knative mode for a canary/);
    });
    test('throws when a previous version is given without a canary, or equals the model', () => {
      throws({ model: S3, previousModel: ModelSource.s3('s3://acme-models/recs/v0/') }, 'previousModel', 's3://acme-models/recs/v0/');
      throws({ model: S3, previousModel: ModelSource.s3('s3://acme-models/recs/v1/'), canaryPercent: 10 }, 'previousModel', 's3://acme-models/recs/v1/');
    });
  });

  describe('warm start', () => {
    test('throws when keep-warm schedules are asked in Knative mode', () => {
      const e = throws({ warmStart: WarmStart.of({ keepWarm: [{ replicas: 1, start: '0 8 * * *', end: '0 18 * * *' }] }) }, 'warmStart.keepWarm');
      expect(e.message).toMatch(/KEDA cron triggers/);
    });
    test('throws when a keep-warm schedule is malformed', () => {
      const base = { pool: a100, runtime: ServingRuntime.VLLM, minReplicas: 1, maxReplicas: 4 };
      throws({ ...base, warmStart: WarmStart.of({ keepWarm: [{ replicas: 5, start: '0 8 * * *', end: '0 18 * * *' }] }) }, 'warmStart.keepWarm[0].replicas', 5);
      throws({ ...base, warmStart: WarmStart.of({ keepWarm: [{ replicas: 2, start: 'at eight', end: '0 18 * * *' }] }) }, 'warmStart.keepWarm[0].start', 'at eight');
      throws({ ...base, warmStart: WarmStart.of({ keepWarm: [{ replicas: 2, start: '0 8 * * *', end: '0 18 * * *', timezone: 'CET+1' }] }) }, 'warmStart.keepWarm[0].timezone', 'CET+1');
    });
    test('throws when the initial scale exceeds maxReplicas or is used in Standard mode', () => {
      throws({ maxReplicas: 2, warmStart: WarmStart.of({ initialScale: 3 }) }, 'warmStart.initialScale', 3);
      throws({ pool: a100, runtime: ServingRuntime.VLLM, minReplicas: 1, warmStart: WarmStart.of({ initialScale: 1 }) }, 'warmStart.initialScale', 1);
    });
    test('throws when a model cache is asked without a size, a pool, or for a volume model', () => {
      throws({ pool: a100, runtime: ServingRuntime.VLLM, model: ModelSource.s3('s3://acme-models/x/'), warmStart: WarmStart.of({ cacheModel: true }) }, 'model.sizeGiB', undefined);
      throws({ model: S3, warmStart: WarmStart.of({ cacheModel: true }) }, 'warmStart.cacheModel', true);
      throws({ pool: a100, runtime: ServingRuntime.VLLM, model: ModelSource.pvc('weights', 'llama', { sizeGiB: 16 }), warmStart: WarmStart.of({ cacheModel: true }) }, 'warmStart.cacheModel', true);
      // KServe v0.20.0 download Jobs have no tolerations: no cache on a tainted pool.
      throws({ pool: a100, runtime: ServingRuntime.VLLM, model: ModelSource.s3('s3://acme-models/x/', { sizeGiB: 16 }), warmStart: WarmStart.of({ cacheModel: true }) }, 'warmStart.cacheModel', true);
    });
    test('throws when image pre-pull has no pool or no known image', () => {
      throws({ warmStart: WarmStart.of({ prePullImage: true }) }, 'warmStart.prePullImage', true);
      throws({ pool: a100, runtime: ServingRuntime.kserve('kserve-huggingfaceserver', 'huggingface', { requiresGpu: true }), warmStart: WarmStart.of({ prePullImage: true }) }, 'warmStart.prePullImage', true);
    });
  });

  describe('names, sources and runtimes', () => {
    test('throws when the name is too long for Knative revisions, or the namespace is not a DNS label', () => {
      throws({ endpointName: 'a'.repeat(46) }, 'endpointName', 'a'.repeat(46));
      throws({ namespace: 'Serving' }, 'namespace', 'Serving');
      throws({ clientNamespaces: ['apps', 'Bad_NS'] }, 'clientNamespaces[1]', 'Bad_NS');
    });
    test('throws when a model location is malformed', () => {
      throws({ model: ModelSource.s3('https://acme-models/recs/') }, 'model', 'https://acme-models/recs/');
      throws({ model: ModelSource.s3('s3://Acme_Models/recs/') }, 'model (bucket)', 'Acme_Models');
      throws({ model: ModelSource.huggingFace('just-a-name') }, 'model', 'just-a-name');
      throws({ model: ModelSource.oci('registry.example.com/models/recs') }, 'model', 'oci://registry.example.com/models/recs');
      throws({ model: ModelSource.uri('ftp://example.com/model') }, 'model', 'ftp://example.com/model');
      throws({ model: ModelSource.pvc('Weights') }, 'model (claim name)', 'Weights');
      throws({ model: ModelSource.s3('s3://acme-models/recs/', { sizeGiB: -1 }) }, 'model.sizeGiB', -1);
      throws({ model: S3, modelVersionsUri: 'acme-models/recs/' }, 'modelVersionsUri', 'acme-models/recs/');
    });
    test('throws when a runtime image is not pinned, or runs as UID 0', () => {
      throws({ runtime: ServingRuntime.custom('ghcr.io/acme/srv') }, 'runtime.image', 'ghcr.io/acme/srv');
      throws({ runtime: ServingRuntime.custom('ghcr.io/acme/srv:latest') }, 'runtime.image', 'ghcr.io/acme/srv:latest');
      throws({ runtime: ServingRuntime.custom('ghcr.io/acme/srv:1.0.0', [], { runAsUser: 0 }) }, 'runtime.runAsUser', 0);
      throws({ runtime: ServingRuntime.custom('ghcr.io/acme/srv:1.0.0', [], { name: 'My_Runtime' }) }, 'runtime.name', 'My_Runtime');
    });
    test('throws when an S3 model needs cloud permissions the existing cluster cannot give', () => {
      const bare = platform.addExistingCluster('bare');
      throws({ model: S3 }, 'workloadIdentity', undefined, bare);
    });
    test('an endpoint whose model is not in S3 offers no versions prefix to promote to', () => {
      const e = endpoint({}).make();
      expect(e.promotion.modelVersionsUri).toBe('');
      expect(e.promotion.kind).toBe('kserve');
    });
    test('throws when a KServe endpoint is not scoped to a cluster', () => {
      throws({}, 'scope', 'acme', platform);
      throws({}, 'scope', 'acme/lab/a100', a100);
    });
  });

  describe('SageMaker targets', () => {
    test('throws when a SageMaker serverless endpoint is asked for a GPU', () => {
      const e = throws({ target: serverless(), pool: a100 }, 'pool', 'acme/lab/a100', platform);
      expect(e.message).toMatch(/serverless endpoints run on CPU only/);
      throws({ target: serverless(), gpusPerReplica: 1 }, 'gpusPerReplica', 1, platform);
      throws({ target: serverless(), runtime: ServingRuntime.TGI, model: S3 }, 'runtime', 'tgi', platform);
    });
    test('throws when the serverless memory is outside 1024–6144 MiB in steps of 1024', () => {
      for (const m of [512, 1536, 7168]) throws({ target: serverless({ memorySizeMiB: m }), model: S3 }, 'target.memorySizeMiB', m, platform);
      for (const m of [1024, 6144]) expect(() => endpoint({ target: serverless({ memorySizeMiB: m }), model: S3 }, platform).make()).not.toThrow();
    });
    test('throws when the serverless concurrency is outside 1–200 or provisioned exceeds it', () => {
      throws({ target: serverless({ maxConcurrency: 0 }), model: S3 }, 'target.maxConcurrency', 0, platform);
      throws({ target: serverless({ maxConcurrency: 201 }), model: S3 }, 'target.maxConcurrency', 201, platform);
      throws({ target: serverless({ maxConcurrency: 10, provisionedConcurrency: 11 }), model: S3 }, 'target.provisionedConcurrency', 11, platform);
      throws({ target: serverless({ provisionedConcurrency: 0 }), model: S3 }, 'target.provisionedConcurrency', 0, platform);
    });
    test('throws when a serverless endpoint is asked for a canary or a minimum', () => {
      throws({ target: serverless(), model: S3, previousModel: ModelSource.s3('s3://acme-models/recs/v0/'), canaryPercent: 10 }, 'canaryPercent', 10, platform);
      throws({ target: serverless(), model: S3, minReplicas: 1 }, 'minReplicas', 1, platform);
    });
    test('throws when the image is not a pinned ECR image', () => {
      throws({ target: serverless({ image: 'vllm/vllm-openai:v0.18.2' }), model: S3 }, 'target.image', 'vllm/vllm-openai:v0.18.2', platform);
      throws({ target: serverless({ image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:latest' }), model: S3 }, 'target.image', '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:latest', platform);
    });
    test('throws when the model is neither in S3 nor on the Hub', () => {
      throws({ target: serverless(), model: ModelSource.pvc('weights') }, 'model', 'pvc://weights', platform);
    });
    test('throws when the region is missing, malformed, or not the cluster\'s', () => {
      throws({ target: serverless({ region: undefined }), model: S3 }, 'target.region', undefined, platform);
      throws({ target: serverless({ region: 'useast1' }), model: S3 }, 'target.region', 'useast1', platform);
      const west = platform.addExistingCluster('west', { awsRegion: 'eu-west-1' });
      throws({ target: serverless({ region: 'us-east-1' }), model: S3 }, 'target.region', 'us-east-1', west);
    });
    test('throws when KServe-only settings are given to a SageMaker target', () => {
      throws({ target: serverless(), model: S3, warmStart: WarmStart.of({}) }, 'warmStart', 'WarmStart', platform);
      throws({ target: async(), model: S3, deploymentMode: DeploymentMode.KNATIVE }, 'deploymentMode', 'Knative', platform);
      throws({ target: async(), model: S3, pool: a100 }, 'pool', 'acme/lab/a100', platform);
    });
    test('throws when async settings are out of range', () => {
      throws({ target: async({ instanceType: 'g5.xlarge' }), model: S3 }, 'target.instanceType', 'g5.xlarge', platform);
      throws({ target: async({ instanceType: 'ml.m5.large' }), model: S3, runtime: ServingRuntime.TGI }, 'target.instanceType', 'ml.m5.large', platform);
      throws({ target: async({ outputUri: 'results/' }), model: S3 }, 'target.outputUri', 'results/', platform);
      throws({ target: async({ kmsKeyArn: 'alias/mine' }), model: S3 }, 'target.kmsKeyArn', 'alias/mine', platform);
      throws({ target: async({ maxConcurrentInvocationsPerInstance: 0 }), model: S3 }, 'target.maxConcurrentInvocationsPerInstance', 0, platform);
      throws({ target: async({ targetBacklogPerInstance: 0 }), model: S3 }, 'target.targetBacklogPerInstance', 0, platform);
      throws({ target: async(), model: S3, coldStartDeadline: Duration.hours(2) }, 'coldStartDeadline', '2 hours', platform);
    });
  });
});

describe('validation that needs an EKS pool', () => {
  let cluster: EksCluster;
  beforeAll(() => {
    // Karpenter: a pool of several instance shapes (a managed node group takes one).
    cluster = new AiPlatform(testApp(), 'acme').addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, karpenter: true });
  });
  test('throws when a replica asks more GPUs than the largest instance type of the pool has', () => {
    const l4 = new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, instanceTypes: ['g6.xlarge', 'g6.12xlarge'], maxNodes: 2 });
    const e = expectConfigError(() => new ServerlessInferenceEndpoint(cluster, 'big', { pool: l4, gpusPerReplica: 8, model: HF, runtime: ServingRuntime.VLLM }),
      { path: 'acme/prod/big', field: 'gpusPerReplica', received: 8 });
    expect(e.message).toMatch(/at most 4, the units of nvidia\.com\/gpu on the largest node of pool l4/);
    expect(new ServerlessInferenceEndpoint(cluster, 'tp4', { pool: l4, gpusPerReplica: 4, model: HF, runtime: ServingRuntime.VLLM }).gpusPerReplica).toBe(4);
  });
});
