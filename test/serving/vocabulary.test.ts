import { ModelSource, ServingRuntime } from '../../lib/serving';
import { describeColdStart, estimateColdStart } from '../../lib/serving/cold-start';
import { PAUSE_IMAGE } from '../../lib/serving/runtimes';

describe('ModelSource', () => {
  test('renders KServe storage URIs', () => {
    expect(ModelSource.s3('s3://acme-models/recs/').storageUri).toBe('s3://acme-models/recs/');
    expect(ModelSource.huggingFace('meta-llama/Llama-3.1-8B-Instruct').storageUri).toBe('hf://meta-llama/Llama-3.1-8B-Instruct');
    expect(ModelSource.huggingFace('org/m', { revision: '0e9e39f2' }).storageUri).toBe('hf://org/m:0e9e39f2');
    expect(ModelSource.pvc('weights', '/llama/8b').storageUri).toBe('pvc://weights/llama/8b');
    expect(ModelSource.pvc('weights').storageUri).toBe('pvc://weights');
    expect(ModelSource.oci('registry.example.com/models/recs:v3').storageUri).toBe('oci://registry.example.com/models/recs:v3');
    expect(ModelSource.oci('oci://registry.example.com/models/recs:v3').storageUri).toBe('oci://registry.example.com/models/recs:v3');
    expect(ModelSource.uri('gs://bucket/model/').kind).toBe('uri');
  });

  test('parses S3 locations (also through a plain URI) and accepts pinned OCI digests', () => {
    expect(ModelSource.s3('s3://acme-models/recs/v3/')._validate('p', 'model')).toEqual({ bucket: 'acme-models', prefix: 'recs/v3/', uri: 's3://acme-models/recs/v3/' });
    expect(ModelSource.uri('s3://acme-models/x')._validate('p', 'model')?.bucket).toBe('acme-models');
    expect(ModelSource.oci(`registry.example.com/m@sha256:${'a'.repeat(64)}`)._validate('p', 'model')).toBeUndefined();
  });
});

describe('ServingRuntime', () => {
  test('built-in images are pinned by exact tag, in one place', () => {
    expect([ServingRuntime.VLLM, ServingRuntime.TRITON, ServingRuntime.TGI, ServingRuntime.SKLEARN].map((r) => r.image)).toEqual([
      'vllm/vllm-openai:v0.18.2',
      'nvcr.io/nvidia/tritonserver:26.06-py3',
      'ghcr.io/huggingface/text-generation-inference:3.3.5',
      'kserve/sklearnserver:v0.20.0',
    ]);
    expect(PAUSE_IMAGE).toBe('registry.k8s.io/pause:3.10');
    for (const r of [ServingRuntime.VLLM, ServingRuntime.TRITON, ServingRuntime.TGI, ServingRuntime.SKLEARN]) {
      expect(() => r._validate('p')).not.toThrow();
      expect(r.runAsUser).toBe(1000);
      expect(r.runsAsRoot).toBe(false);
    }
  });

  test('GPU needs: vLLM and TGI need one, Triton and scikit-learn do not', () => {
    const runtimes = [ServingRuntime.VLLM, ServingRuntime.TGI, ServingRuntime.TRITON, ServingRuntime.SKLEARN];
    expect(runtimes.map((r) => r.requiresGpu)).toEqual([true, true, false, false]);
  });

  test('custom runtimes: non-root by default, root only when asked; KServe cluster runtimes by name', () => {
    expect(ServingRuntime.custom('ghcr.io/acme/srv:1.0.0').runAsUser).toBe(1000);
    const root = ServingRuntime.custom('ghcr.io/acme/srv:1.0.0', ['--port=8080'], { runAsRoot: true });
    expect(root.runsAsRoot).toBe(true);
    const xgb = ServingRuntime.kserve('kserve-xgbserver', 'xgboost');
    expect(xgb).toMatchObject({ name: 'kserve-xgbserver', clusterServingRuntime: 'kserve-xgbserver', modelFormat: 'xgboost', image: undefined });
    expect(xgb.runsAsRoot).toBe(false);
  });
});

describe('cold-start estimate', () => {
  const base = { placement: 'karpenter', nodesCanBeZero: true, imageSizeGiB: 10, imagePrePulled: false, modelKind: 's3', modelSizeGiB: 16, modelCached: false, startupSeconds: 60 };

  test('adds node, image pull, download at the stated bandwidth and load', () => {
    const e = estimateColdStart(base);
    expect(e).toMatchObject({
      nodeProvisioningSeconds: 120, imagePullSeconds: 103, modelDownloadSeconds: 82, modelLoadSeconds: 60 + 17, complete: true,
    });
    expect(e.totalSeconds).toBe(120 + 103 + 82 + 77);
    expect(e.assumptions).toEqual(expect.arrayContaining([expect.stringMatching(/16 GiB of weights downloaded at 200 MiB\/s/)]));
    expect(describeColdStart(e)).toBe('~6 min (node 120 s, image 103 s, download 82 s, load 77 s)');
  });

  test('pre-pulled images and cached weights only help on kept nodes', () => {
    expect(estimateColdStart({ ...base, imagePrePulled: true, modelCached: true }))
      .toMatchObject({ imagePullSeconds: 103, modelDownloadSeconds: 82 });
    expect(estimateColdStart({ ...base, nodesCanBeZero: false, imagePrePulled: true, modelCached: true }))
      .toMatchObject({ nodeProvisioningSeconds: 0, imagePullSeconds: 0, modelDownloadSeconds: 0 });
  });

  test('managed node groups scale from zero slower; volumes are not downloaded; the Hub is slower; unknown sizes are flagged', () => {
    expect(estimateColdStart({ ...base, placement: 'eks-managed-node-group' }).nodeProvisioningSeconds).toBe(240);
    expect(estimateColdStart({ ...base, modelKind: 'pvc' }).modelDownloadSeconds).toBe(0);
    expect(estimateColdStart({ ...base, modelKind: 'huggingface' }).modelDownloadSeconds).toBe(164);
    const unknown = estimateColdStart({ ...base, modelSizeGiB: undefined });
    expect(unknown).toMatchObject({ complete: false, modelDownloadSeconds: 0, modelLoadSeconds: 60 });
    expect(describeColdStart(unknown)).toMatch(/^~\d+ min\+ /);
  });
});
