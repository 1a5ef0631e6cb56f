/**
 * TrainingPipeline in the platform cost report: runs a month from its triggers × nodes × the
 * expected duration of each stage on its pool; unknown durations, runs and prices are named.
 */
import { expectConfigError } from './support';
import { Capacity } from '../../lib/core/capacity';
import { Duration } from '../../lib/core/duration';
import { CostLine } from '../../lib/cost/cost-line';
import { ModelSource, ServerlessInferenceEndpoint, ServingRuntime } from '../../lib/serving';
import { Checkpointing, Gate, RetrainTrigger, SageMakerTarget, TrainingPipeline, TrainingStage } from '../../lib/training';
import { fixture } from '../cost/support';

/** g6.xlarge On-Demand list price (catalog, us-east-1), USD per hour. */
const G6_XLARGE = 0.8048;
const ECR = '111122223333.dkr.ecr.us-east-1.amazonaws.com';
/** 03:00 on the 1st of every month: 12 runs a year, 1 a month. */
const MONTHLY = RetrainTrigger.schedule('0 3 1 * *');

function stageLine(lines: CostLine[], source: string, stage: string): CostLine {
  const found = lines.filter((l) => l.source === source && l.inputs.stage === stage);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('on a cluster: one usage line per stage on a pool', () => {
  const f = fixture();
  // 0–4 × g6.xlarge (one L4 each), on-demand.
  const l4 = f.pool('l4', { minNodes: 0, maxNodes: 4 });
  const recs = new ServerlessInferenceEndpoint(f.cluster, 'recs', {
    pool: l4, model: ModelSource.s3('s3://acme-models/recs/', { sizeGiB: 4 }), runtime: ServingRuntime.TRITON, maxReplicas: 2, targetRequestsPerSecond: 10,
  });
  const pipeline = new TrainingPipeline(f.cluster, 'recs-train', {
    stages: [
      TrainingStage.preprocess('prep', { image: 'ghcr.io/acme/prep:1.0', expectedDuration: Duration.minutes(20) }),
      TrainingStage.train('train', { image: 'ghcr.io/acme/train:1.0', pool: l4, workers: 2, gpusPerWorker: 1, expectedDuration: Duration.hours(3) }),
      TrainingStage.evaluate('eval', { image: 'ghcr.io/acme/eval:1.0', pool: l4, gpus: 1 }),
    ],
    // 1 scheduled run + 3 expected new-data runs = 4 runs a month.
    triggers: [MONTHLY, RetrainTrigger.onNewObjects({ uri: 's3://acme-data/recs/raw/', expectedRunsPerMonth: 3 })],
    gates: [Gate.metric('ndcg@10', '>=', 0.31)],
    promoteTo: recs,
  });
  new TrainingPipeline(f.cluster, 'by-hand', {
    stages: [TrainingStage.train('train', { image: 'ghcr.io/acme/train:1.0', pool: l4, expectedDuration: Duration.hours(2) })],
    dataUri: 's3://acme-data/adhoc/',
  });
  const est = f.platform.platformCostEstimate();

  test('train: 4 runs × 2 nodes × 3 h = 24 node-hours at the g6.xlarge rate, on the pool', () => {
    expect(pipeline.runsPerMonth).toBe(4);
    const train = stageLine(est.lines, 'acme/prod/recs-train', 'train');
    expect(train).toMatchObject({ category: 'pipeline', kind: 'usage', poolPath: 'acme/prod/l4', instanceType: 'g6.xlarge', purchase: 'on-demand', usdPerNodeHour: G6_XLARGE });
    expect(train.nodeHours).toEqual({ low: 24, expected: 24, high: 24 });
    expect(train.monthlyUsd!.expected).toBeCloseTo(24 * G6_XLARGE, 6);
    expect(train.inputs).toMatchObject({ runsPerMonth: '4', nodes: '2', duration: '3 hours', kind: 'train' });
    expect(est.pools.find((p) => p.poolPath === 'acme/prod/l4')!.usage.map((u) => u.inputs.stage)).toEqual(expect.arrayContaining(['train', 'eval']));
  });

  test('eval without expectedDuration: no expected usage, the bound at its timeout (4 runs × 1 node × 6 h), and a note', () => {
    const evaluate = stageLine(est.lines, 'acme/prod/recs-train', 'eval');
    expect(evaluate.description).toBe('stage eval on l4 (1 × g6.xlarge, on-demand) (duration unknown)');
    expect(evaluate.nodeHours).toEqual({ low: 0, expected: 0, high: 24 });
    expect(evaluate.monthlyUsd!.high).toBeCloseTo(24 * G6_XLARGE, 6);
    expect(evaluate.inputs.duration).toBe('unknown (at most its timeout, 6 hours)');
    expect(evaluate.notes.join('\n')).toContain('duration of a run unknown: the expected usage is not estimated (0 node-hours here, not a guess); '
      + 'at most 24 node-hours a month (USD 19.32) if every run lasts its timeout (6 hours); set expectedDuration on stage "eval"');
  });

  test('the platform diagram draws the pipeline on its pool and promoting to the endpoint', () => {
    const diagram = f.platform._guardrails.diagram();
    const id = (label: string) => new RegExp(`\\s(n\\d+)\\S*"${label}`).exec(diagram)![1];
    expect(diagram).toContain(`${id('pipeline recs-train')} -->|runs on| ${id('GPU pool l4')}`);
    expect(diagram).toContain(`${id('pipeline recs-train')} -->|promotes to| ${id('endpoint recs')}`);
  });

  test('the CPU stage is named as not priced', () => {
    expect(est.lines.filter((l) => l.inputs.stage === 'prep')).toEqual([]);
    expect(stageLine(est.lines, 'acme/prod/recs-train', 'train').notes).toContain('stage prep runs on the cluster\'s CPU nodes (the system node group), which the cost model does not price');
  });

  test('runs started by hand: runs a month unknown, the figures per run in the notes (1 node × 2 h)', () => {
    const line = stageLine(est.lines, 'acme/prod/by-hand', 'train');
    expect(line.nodeHours).toEqual({ low: 0, expected: 0, high: 0 });
    expect(line.inputs.runsPerMonth).toBe('unknown');
    expect(line.notes).toContain('runs per month unknown (no trigger: runs are started by hand): 2 node-hours (USD 1.61) per run');
  });

  test('an expectedDuration longer than the stage may run, or an invalid expected rate, is a ConfigError', () => {
    const g = fixture();
    const pool = g.pool('l4', {});
    const train = (o: object) => TrainingStage.train('train', { image: 'ghcr.io/acme/train:1.0', pool, maxRuntime: Duration.hours(4), ...o });
    expectConfigError(() => new TrainingPipeline(g.cluster, 'a', { stages: [train({ expectedDuration: Duration.hours(5) })], dataUri: 's3://acme-data/x/' }),
      { path: 'acme/prod/a', field: 'stages[0].expectedDuration', received: '5 hours' });
    expectConfigError(() => new TrainingPipeline(g.cluster, 'b', { stages: [train({})], triggers: [RetrainTrigger.onNewObjects({ uri: 's3://acme-data/x/', expectedRunsPerMonth: -1 })] }),
      { path: 'acme/prod/b', field: 'trigger.expectedRunsPerMonth', received: -1 });
  });
});

describe('on SageMaker: ML instances, whose price is not in the catalog', () => {
  const f = fixture();
  const target = new SageMakerTarget(f.platform, 'sagemaker', { region: 'us-east-1' });
  new TrainingPipeline(target, 'recs-train', {
    stages: [
      TrainingStage.preprocess('prep', { image: `${ECR}/prep:1` }),
      TrainingStage.train('train', {
        image: `${ECR}/train:1`, sagemakerInstanceType: 'ml.p4d.24xlarge', workers: 2, gpusPerWorker: 8, capacity: Capacity.spot(), expectedDuration: Duration.hours(2),
      }),
    ],
    checkpointing: Checkpointing.s3('s3://acme-ckpt/recs/'),
    dataUri: 's3://acme-data/recs/',
    triggers: [MONTHLY],
  });
  const est = f.platform.platformCostEstimate();

  test('train: 1 run × 2 instances × 2 h = 4 instance-hours, no price, named among the unpriced', () => {
    const train = stageLine(est.lines, 'acme/sagemaker/recs-train', 'train');
    expect(train.poolPath).toBeUndefined();
    expect(train).toMatchObject({ instanceType: 'ml.p4d.24xlarge', purchase: 'spot', usdPerNodeHour: undefined, monthlyUsd: undefined });
    expect(train.nodeHours).toEqual({ low: 4, expected: 4, high: 4 });
    expect(train.notes[0]).toBe('no price for ml.p4d.24xlarge: SageMaker ML instances are priced apart from EC2 and the catalog holds EC2 On-Demand prices only: not estimated');
    expect(est.unpriced).toEqual(expect.arrayContaining([
      'acme/sagemaker/recs-train: stage train on SageMaker (2 × ml.p4d.24xlarge, managed spot training)',
      'acme/sagemaker/recs-train: stage prep on SageMaker (1 × ml.m5.xlarge) (duration unknown)',
    ]));
    expect(est.totals.complete).toBe(false);
  });
});
