/**
 * An InferenceService that pipelines promote to keeps the rolled-out version through later
 * `terraform apply`s (lib/kubernetes/kserve-rollouts.ts): the synthesized wiring, and the
 * expression itself evaluated by the real Terraform CLI on the live objects it may read.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { AnnotationMetadataEntryType, TerraformStack, Token } from 'cdktf';
import { GpuNodePool } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { acceptModelRollouts } from '../../lib/kubernetes/kserve-rollouts';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { ExistingWorkloadIdentity } from '../../lib/platform/existing-cluster';
import { ModelSource, ServerlessInferenceEndpoint, ServingRuntime } from '../../lib/serving';
import { Checkpointing, TrainingPipeline, TrainingStage } from '../../lib/training';
import { defaultRegistry } from '../support/schemas';
import { resourcesOf, Synthesized, SynthesizedStack, synthApp, testApp } from '../support/synth';
import { skipLoudlyUnlessCi, terraformEnv } from '../support/terraform';

const DECLARED = 's3://acme-models/recs/current/';
const ANNOTATION = 'cdktf-ai-infra/declared-storage-uri';

function build(opts: { pipelines?: number } = {}): { synth: Synthesized; workloads: SynthesizedStack; messages: string[] } {
  const app = testApp();
  const platform = new AiPlatform(app, 'acme');
  const lab = platform.addExistingCluster('lab', {
    kubeconfigPath: '~/.kube/config',
    awsRegion: 'us-east-1',
    workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-credentials'),
  });
  const a100 = GpuNodePool.fromExistingNodes(lab, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' }, gpus: 16 });
  const recs = new ServerlessInferenceEndpoint(lab, 'recs', {
    pool: a100,
    model: ModelSource.s3(DECLARED),
    modelVersionsUri: 's3://acme-models/recs/versions/',
    runtime: ServingRuntime.TRITON,
    minReplicas: 1,
    maxReplicas: 2,
  });
  for (let i = 0; i < (opts.pipelines ?? 0); i++) {
    new TrainingPipeline(lab, `train-${i}`, {
      stages: [
        TrainingStage.train('train', { image: 'ghcr.io/acme/train:1.0', pool: a100, workers: 1, gpusPerWorker: 8 }),
        TrainingStage.evaluate('eval', { image: 'ghcr.io/acme/eval:1.0' }),
      ],
      checkpointing: Checkpointing.s3('s3://acme-ckpt/recs/'),
      dataUri: 's3://acme-data/recs/',
      promoteTo: recs,
    });
  }
  const synth = synthApp(app);
  const messages = app.node.findAll().flatMap((c) => c.node.metadata.map((m) => String(m.data)));
  return { synth, workloads: synth.stack('acme-lab-workloads'), messages };
}

function inferenceService(workloads: SynthesizedStack): any {
  const found = Object.values<any>(resourcesOf(workloads, 'kubernetes_manifest')).filter((r) => r.manifest.kind === 'InferenceService');
  expect(found).toHaveLength(1);
  return found[0];
}

test('an endpoint nobody promotes to keeps its declared model as a plain value', () => {
  const { workloads } = build();
  const isvc = inferenceService(workloads);
  expect(isvc.manifest.spec.predictor.model.storageUri).toBe(DECLARED);
  expect(isvc.manifest.metadata.annotations[ANNOTATION]).toBeUndefined();
  expect(isvc.field_manager).toBeUndefined();
  expect(workloads.json.data?.kubernetes_resources).toBeUndefined();
});

describe('an endpoint a pipeline promotes to', () => {
  let workloads: SynthesizedStack;
  let isvc: any;
  let liveId: string;
  beforeAll(() => {
    ({ workloads } = build({ pipelines: 2 }));
    isvc = inferenceService(workloads);
    const live = Object.entries<any>(workloads.json.data.kubernetes_resources);
    expect(live).toHaveLength(1); // two pipelines, one reader
    liveId = live[0][0];
  });

  test('reads its live object in the same stack, by name and namespace', () => {
    expect(workloads.json.data.kubernetes_resources[liveId]).toMatchObject({
      api_version: 'serving.kserve.io/v1beta1', kind: 'InferenceService', namespace: 'recs', field_selector: 'metadata.name=recs',
    });
  });

  test('records the declared model, takes the model URI from the live object, and may take the field back from the promotion', () => {
    expect(isvc.manifest.metadata.annotations[ANNOTATION]).toBe(DECLARED);
    const uri: string = isvc.manifest.spec.predictor.model.storageUri;
    expect(uri.startsWith('${try(') && uri.endsWith('}')).toBe(true);
    expect(uri).toContain(`data.kubernetes_resources.${liveId}.objects`);
    expect(isvc.field_manager).toEqual({ force_conflicts: true });
  });

  test('says so at synth: the live model URI is kept until the program declares another', () => {
    const { messages } = build({ pipelines: 1 });
    expect(messages).toContainEqual(expect.stringMatching(/InferenceService recs\/recs serves the version promotions roll out/));
  });

  test('still validates against the KServe schema', () => {
    expect(defaultRegistry().validate(isvc.manifest)).toEqual([]);
  });

  const tf = terraformEnv();
  const skip = skipLoudlyUnlessCi('terraform console evaluation of the rollout expression', tf.terraform ? [] : tf.missing);
  (skip ? test.skip : test)('the expression, evaluated by terraform: the declared model first, then whatever promotions rolled, until the program declares another', () => {
    const uri: string = isvc.manifest.spec.predictor.model.storageUri;
    const expression = uri.slice(2, -1).split(`data.kubernetes_resources.${liveId}.objects`).join('local.objects');
    const liveObject = (declared: string | undefined, storageUri: string) => `{ metadata = { annotations = { ${declared ? `"${ANNOTATION}" = "${declared}"` : 'other = "x"'} } }, spec = { predictor = { model = { storageUri = "${storageUri}" } } } }`;
    const cases: Array<[string, string, string]> = [
      ['first apply: no InferenceService yet', '[]', DECLARED],
      ['after a promotion: the rolled version stays', `[${liveObject(DECLARED, 's3://acme-models/recs/versions/run-7/')}]`, 's3://acme-models/recs/versions/run-7/'],
      ['the program declares another model: it wins', `[${liveObject('s3://acme-models/recs/v1/', 's3://acme-models/recs/versions/run-7/')}]`, DECLARED],
      ['an object from before this annotation', `[${liveObject(undefined, 's3://acme-models/recs/v0/')}]`, DECLARED],
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-expr-'));
    try {
      for (const [label, objects, expected] of cases) {
        fs.writeFileSync(path.join(dir, 'main.tf'), `locals {\n  objects = ${objects}\n}\n`);
        const r = spawnSync(tf.terraform!, ['console'], { cwd: dir, input: `${expression}\n`, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' } });
        expect([label, r.status, r.stdout.trim()]).toEqual([label, 0, JSON.stringify(expected)]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a model URI known only at apply time (an escape-hatch override) is left as it is, with a warning', () => {
  const stack = new TerraformStack(testApp(), 'raw');
  new KubernetesProvider(stack, 'kubernetes', {});
  const object = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'recs', namespace: 'recs' }, spec: { predictor: { model: { storageUri: Token.asString({ resolve: () => '${var.uri}' }) } } } };
  const isvc = new Manifest(stack, 'InferenceService', { manifest: object });
  acceptModelRollouts(isvc);
  expect(stack.node.tryFindChild('InferenceServiceLiveInferenceService')).toBeUndefined();
  expect(isvc.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data))).toEqual([expect.stringMatching(/only known at apply time/)]);
  expect(isvc.fieldManager.forceConflictsInput).toBeUndefined();
});
