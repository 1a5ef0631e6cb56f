/**
 * The AI rules over what the intent constructs emit: a GpuFunction's KEDA ScaledJob on spot
 * (AIP-AI-002) and the model-size mark of a ServerlessInferenceEndpoint (AIP-AI-003).
 */
import { active, checkPlatform, checkStack, manifest, SAFE } from './support';
import { Capacity } from '../../lib/core/capacity';
import { FunctionTrigger, GpuFunction, GpuFunctionProps, GpuRequest } from '../../lib/functions';
import { PolicyAnnotations, QUEUE_REDELIVERY_CHECKPOINT } from '../../lib/policy/contract';
import type { PolicyFinding } from '../../lib/policy/engine';
import { ModelSource, ServerlessInferenceEndpoint, ServingRuntime, WarmStart } from '../../lib/serving';
import { fixture } from '../cost/support';
import { defaultRegistry } from '../support/schemas';

/** Owner and message of the active findings of one rule. */
function of(found: PolicyFinding[], ruleId: string): Array<[string | undefined, string]> {
  return found.filter((x) => x.ruleId === ruleId && !x.suppressedBy).map((x) => [x.ownerPath, x.message]);
}

describe('AIP-AI-002: KEDA ScaledJobs on spot', () => {
  const scaledJob = (annotations?: Record<string, string>) => ({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledJob',
    metadata: { name: 'frames', namespace: 'frames', ...(annotations ? { annotations } : {}) },
    spec: {
      jobTargetRef: {
        backoffLimit: 2,
        template: {
          spec: {
            restartPolicy: 'Never',
            nodeSelector: { 'karpenter.sh/capacity-type': 'spot' },
            containers: [{ name: 'function', image: 'registry.example.com/frames:1.0', securityContext: SAFE }],
          },
        },
      },
      triggers: [{ type: 'aws-sqs-queue', metadata: { queueURL: 'https://sqs.us-east-1.amazonaws.com/123456789012/acme-jobs', queueLength: '1', awsRegion: 'us-east-1' } }],
    },
  });

  test('a ScaledJob whose jobs land on spot without checkpointing warns; the queue-redelivery mark passes', () => {
    const found = checkStack((s) => manifest(s, 'sj', scaledJob()));
    expect(active(found)).toEqual(['AIP-AI-002']);
    expect(found[0].message).toBe('ScaledJob frames can run on spot capacity (reclaimed with two minutes\' notice) but shows no checkpointing.');
    const marked = scaledJob({ [PolicyAnnotations.CHECKPOINT]: QUEUE_REDELIVERY_CHECKPOINT });
    expect(active(checkStack((s) => manifest(s, 'sj', marked)))).toEqual([]);
    expect([...defaultRegistry().validate(scaledJob()), ...defaultRegistry().validate(marked)]).toEqual([]);
  });

  test('GpuFunction: a queue-driven function retrying its messages is checkpointed by its queue; without retries, or on a schedule, it warns', () => {
    const f = fixture();
    const spot = f.pool('l4spot', { capacity: Capacity.spot() });
    const fn = (id: string, p: Partial<GpuFunctionProps>) => new GpuFunction(f.cluster, id, {
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/frames:1.4.2',
      command: ['python', '-m', 'frames.worker'],
      resources: { gpu: GpuRequest.whole(1), cpu: 3, memoryGiB: 12 },
      pool: spot,
      trigger: FunctionTrigger.sqs('arn:aws:sqs:us-east-1:123456789012:acme-jobs'),
      results: 's3://acme-media/embeddings/',
      ...p,
    });
    fn('retried', {}); // retries 2 (default): a reclaimed run's messages are received again
    fn('once', { retries: 0 }); // maxReceiveCount 1: a reclaimed run's messages are dead-lettered
    fn('nightly', { trigger: FunctionTrigger.schedule('@daily') }); // a CronJob: the run starts over
    fn('resumes', { trigger: FunctionTrigger.schedule('@daily'), env: { CHECKPOINT_DIR: 's3://acme-ckpt/nightly/' } });
    expect(of(checkPlatform(f.platform), 'AIP-AI-002')).toEqual([
      ['acme/prod/once', 'ScaledJob once can run on spot capacity (reclaimed with two minutes\' notice) but shows no checkpointing.'],
      ['acme/prod/nightly', 'CronJob nightly can run on spot capacity (reclaimed with two minutes\' notice) but shows no checkpointing.'],
    ]);
  });
});

describe('AIP-AI-003: the endpoint marks its model size, so the rule judges it', () => {
  test('a 20 GiB scale-to-zero model without a warm start warns; with one (a LocalModelCache) it passes', () => {
    const f = fixture();
    const l4 = f.pool('l4', { minNodes: 0, acceleratorTaint: false }); // untainted: KServe v0.20.0 caches only there
    const llm = (id: string, warmStart?: WarmStart) => new ServerlessInferenceEndpoint(f.cluster, id, {
      pool: l4, model: ModelSource.s3(`s3://acme-models/${id}/`, { sizeGiB: 20 }), runtime: ServingRuntime.VLLM, minReplicas: 0, maxReplicas: 2, warmStart,
    });
    llm('cold');
    llm('warm', WarmStart.of());
    expect(of(checkPlatform(f.platform), 'AIP-AI-003')).toEqual([
      ['acme/prod/cold', 'InferenceService cold scales to zero with a 20 GiB model (≥ 10 GiB) and no warm start: every scale-up from zero downloads and loads the weights.'],
    ]);
  });
});
