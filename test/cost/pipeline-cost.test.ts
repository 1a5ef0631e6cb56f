import { fixture } from './support';
import { GpuNodePool } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { Duration } from '../../lib/core/duration';
import { ConfigError } from '../../lib/core/errors';
import { CostAssumptions } from '../../lib/cost/assumptions';
import { estimatePipelineCost, PipelineCostInputs } from '../../lib/cost/pipeline-cost';

const P5 = 55.04; // USD/h On-Demand p5.48xlarge, us-east-1 (catalog)
const A = new CostAssumptions({ spotDiscount: 0.6 });

function h100(capacity = Capacity.spot()): GpuNodePool {
  return new GpuNodePool(fixture().cluster, 'h100', { accelerator: Accelerator.NVIDIA_H100, instanceTypes: ['p5.48xlarge'], capacity, maxNodes: 4 });
}

describe('estimatePipelineCost', () => {
  test('a spot pipeline: runs × nodes × duration at the assumed spot price, compared with on-demand (hand-computed)', () => {
    const [line] = estimatePipelineCost({ source: 'acme/prod/train', runsPerMonth: 4, stages: [{ name: 'train', pool: h100(), nodes: 2, duration: Duration.hours(6) }] }, A);
    // 4 runs × 2 nodes × 6 h = 48 node-hours; spot = 55.04 × 0.4 = 22.016 USD/h.
    expect(line).toMatchObject({ category: 'pipeline', kind: 'usage', purchase: 'spot', poolPath: 'acme/prod/h100', nodeHours: { low: 48, expected: 48, high: 48 } });
    expect(line.monthlyUsd!.expected).toBeCloseTo(1056.768, 6);
    expect(line.scenarios.map((s) => [s.name, s.configured, Math.round(s.monthlyUsd! * 1000) / 1000])).toEqual([
      ['on-demand', false, 48 * P5], // 2641.92
      ['spot (assumed 60 % off)', true, 1056.768],
    ]);
    expect(line.inputs).toMatchObject({ stage: 'train', runsPerMonth: '4', nodes: '2', duration: '6 hours' });
  });

  test('an on-demand stage; units are packed on nodes (12 GPUs on 8-GPU nodes: 2 nodes)', () => {
    const [line] = estimatePipelineCost({ runsPerMonth: 1, stages: [{ name: 'eval', pool: h100(Capacity.onDemand()), units: 12, duration: Duration.minutes(30) }] }, A);
    expect(line.nodeHours.expected).toBe(1);
    expect(line.monthlyUsd!.expected).toBeCloseTo(P5, 6);
    expect(line.inputs.nodes).toBe('2 (12 × nvidia.com/gpu, 8 per node)');
  });

  test('one line per stage; functions reuse it with their own category', () => {
    const pool = h100();
    const lines = estimatePipelineCost({
      runsPerMonth: 30,
      category: 'function',
      stages: [
        { name: 'a', pool, duration: Duration.minutes(6) },
        { name: 'b', pool, nodes: 2, duration: Duration.minutes(6) },
      ],
    }, A);
    expect(lines.map((l) => [l.category, l.nodeHours.expected])).toEqual([['function', 3], ['function', 6]]);
  });

  test.each([
    ['runsPerMonth', { runsPerMonth: -1 }],
    ['stages', { stages: [] }],
    ['stages\\[0\\].nodes', { nodes: 0 }],
    ['stages\\[0\\].nodes', { nodes: 5 }],
    ['stages\\[0\\].units', { units: 0 }],
    ['stages\\[0\\].duration', { duration: Duration.seconds(0) }],
  ])('throws when %s is invalid (%j)', (field, extra) => {
    const e = extra as any;
    const base: PipelineCostInputs = { source: 'acme/prod/train', runsPerMonth: e.runsPerMonth ?? 1, stages: e.stages ?? [{ name: 'train', pool: h100(), nodes: e.nodes, units: e.units, duration: e.duration ?? Duration.hours(1) }] };
    expect(() => estimatePipelineCost(base, A)).toThrow(ConfigError);
    expect(() => estimatePipelineCost(base, A)).toThrow(new RegExp(`invalid ${field}`));
  });
});
