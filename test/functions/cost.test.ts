/**
 * GpuFunction in the platform cost report: runs a month × the duration of a run, on its pool
 * (Kubernetes) or on AWS Batch instances (a line of its own); unknowns are named, not guessed.
 */
import { Capacity } from '../../lib/core/capacity';
import { Duration } from '../../lib/core/duration';
import { GpuSharing } from '../../lib/core/gpu-sharing';
import { CostLine } from '../../lib/cost/cost-line';
import { FunctionTarget, FunctionTrigger, GpuFunction, GpuFunctionProps, GpuRequest } from '../../lib/functions';
import { fixture } from '../cost/support';
import { expectConfigError } from '../support/errors';

/** g6.xlarge On-Demand list price (catalog, us-east-1), USD per hour. */
const G6_XLARGE = 0.8048;
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:acme-jobs';

function props(p: Partial<GpuFunctionProps> & Pick<GpuFunctionProps, 'pool'>): GpuFunctionProps {
  return {
    image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/frames:1.4.2',
    command: ['python', '-m', 'frames.worker'],
    resources: { gpu: GpuRequest.whole(1), cpu: 3, memoryGiB: 12 },
    trigger: FunctionTrigger.sqs(QUEUE_ARN),
    results: 's3://acme-media/embeddings/',
    ...p,
  };
}

function lineOf(lines: CostLine[], source: string): CostLine {
  const found = lines.filter((l) => l.source === source);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('on Kubernetes: a usage line on the pool', () => {
  const f = fixture();
  // 0–4 × g6.xlarge (one L4 each), on-demand; and the same shared 4 ways.
  const l4 = f.pool('l4', { minNodes: 0, maxNodes: 4 });
  const shared = f.pool('l4shared', { minNodes: 0, maxNodes: 2, sharing: GpuSharing.timeSlicing(4) });
  new GpuFunction(f.cluster, 'embed', props({ pool: l4, expectedRunsPerMonth: 200, expectedRunDuration: Duration.minutes(30) }));
  new GpuFunction(f.cluster, 'frames', props({
    pool: shared, resources: { gpu: GpuRequest.shared(), cpu: 0.5, memoryGiB: 3 }, expectedRunsPerMonth: 100, expectedRunDuration: Duration.hours(1),
  }));
  new GpuFunction(f.cluster, 'nightly', props({ pool: l4, trigger: FunctionTrigger.schedule('@daily') }));
  new GpuFunction(f.cluster, 'adhoc', props({ pool: l4, expectedRunDuration: Duration.minutes(30) }));
  const est = f.platform.platformCostEstimate();

  test('200 runs × 1 node × 0.5 h = 100 node-hours at the g6.xlarge rate, category function', () => {
    const line = lineOf(est.lines, 'acme/prod/embed');
    expect(line).toMatchObject({ category: 'function', kind: 'usage', poolPath: 'acme/prod/l4', instanceType: 'g6.xlarge', purchase: 'on-demand', usdPerNodeHour: G6_XLARGE });
    expect(line.description).toBe('runs of embed on l4 (1 × g6.xlarge, on-demand)');
    expect(line.nodeHours).toEqual({ low: 100, expected: 100, high: 100 });
    expect(line.monthlyUsd!.expected).toBeCloseTo(100 * G6_XLARGE, 6);
    expect(line.inputs).toMatchObject({ runsPerMonth: '200', duration: '30 minutes' });
    expect(est.pools.find((p) => p.poolPath === 'acme/prod/l4')!.usage.map((u) => u.source)).toContain('acme/prod/embed');
  });

  test('a shared GPU: each run counted on a node of its own (100 × 1 h), packing stated', () => {
    // A g6.xlarge offers 4 time-sliced units and fits 4 runs of 0.5 vCPU and 3 GiB.
    const line = lineOf(est.lines, 'acme/prod/frames');
    expect(line.nodeHours.expected).toBe(100);
    expect(line.notes).toContain('each run is counted on a node of its own; runs that overlap share a node (up to 4 per node), down to 1/4 of these node-hours');
  });

  test('a schedule gives the runs (@daily: 365 / 12 a month); the unknown duration is named, bounded by the timeout (1 h)', () => {
    const line = lineOf(est.lines, 'acme/prod/nightly');
    // The cron module's runs a month: 365 / 12 = 30.417 (3 decimals); at most 1 h each.
    expect(line.inputs.runsPerMonth).toBe('30.417');
    expect(line.nodeHours.expected).toBe(0);
    expect(line.nodeHours.high).toBeCloseTo(30.417, 9);
    expect(line.notes.find((n) => n.startsWith('duration of a run unknown'))).toMatch(/set expectedRunDuration on the function$/);
  });

  test('a queue trigger without expectedRunsPerMonth: the runs are named as unknown, with the figures per run', () => {
    const line = lineOf(est.lines, 'acme/prod/adhoc');
    expect(line.nodeHours).toEqual({ low: 0, expected: 0, high: 0 });
    expect(line.notes).toContain('runs per month unknown (a sqs trigger without expectedRunsPerMonth): 0.5 node-hours (USD 0.4) per run');
  });

  test('expectedRunsPerMonth on a schedule, or a run longer than the timeout, is a ConfigError', () => {
    const g = fixture();
    const pool = g.pool('l4', {});
    expectConfigError(() => new GpuFunction(g.cluster, 'a', props({ pool, trigger: FunctionTrigger.schedule('@daily'), expectedRunsPerMonth: 30 })),
      { path: 'acme/prod/a', field: 'expectedRunsPerMonth', received: 30 });
    expectConfigError(() => new GpuFunction(g.cluster, 'b', props({ pool, timeout: Duration.hours(1), expectedRunDuration: Duration.hours(2) })),
      { path: 'acme/prod/b', field: 'expectedRunDuration', received: '2 hours' });
  });
});

describe('on AWS Batch: a line of its own at the catalog\'s On-Demand price, Spot discount from the assumptions', () => {
  const f = fixture();
  const spot = f.pool('l4', { minNodes: 0, maxNodes: 8, capacity: Capacity.spot({ fallbackToOnDemand: true }) });
  new GpuFunction(f.cluster, 'clips', props({
    pool: spot,
    trigger: FunctionTrigger.s3({ bucket: 'acme-media', prefix: 'clips/', configureNotifications: true }),
    target: FunctionTarget.awsBatch(),
    timeout: Duration.hours(3),
    expectedRunsPerMonth: 100,
    expectedRunDuration: Duration.hours(2),
  }));
  const est = f.platform.platformCostEstimate();

  test('100 jobs × 1 instance × 2 h = 200 instance-hours at 0.8048 × (1 − 0.5)', () => {
    const line = lineOf(est.lines, 'acme/prod/clips');
    expect(line.poolPath).toBeUndefined();
    expect(line).toMatchObject({ category: 'function', instanceType: 'g6.xlarge', purchase: 'spot', description: 'runs of clips on AWS Batch (g6.xlarge, spot)' });
    expect(line.usdPerNodeHour).toBeCloseTo(G6_XLARGE * 0.5, 9);
    expect(line.nodeHours).toEqual({ low: 200, expected: 200, high: 200 });
    expect(line.monthlyUsd!.expected).toBeCloseTo(200 * G6_XLARGE * 0.5, 6);
    expect(line.scenarios.map((s) => [s.name, s.configured, Math.round(s.monthlyUsd! * 100) / 100])).toEqual([['on-demand', false, 160.96], ['spot (assumed 50 % off)', true, 80.48]]);
    expect(line.notes).toEqual(expect.arrayContaining([
      'Spot priced at the On-Demand price × (1 − 0.5), the assumed discount of costAssumptions.spotDiscount, not a Spot price',
      'jobs that fall back to On-Demand cost 0.8048 USD an instance-hour',
    ]));
    // Standalone: its cost adds to the platform totals on its own.
    expect(est.standalone.map((l) => l.source)).toEqual(['acme/prod/clips']);
    expect(est.totals.complete).toBe(true);
  });
});
