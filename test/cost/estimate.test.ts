import { FakeWorkload, fixture } from './support';
import { Duration } from '../../lib/core/duration';
import { CostAssumptions } from '../../lib/cost/assumptions';
import { CostLine } from '../../lib/cost/cost-line';
import { estimateEndpointCost } from '../../lib/cost/endpoint-cost';
import { estimateCost, summarizeCost } from '../../lib/cost/estimate';
import { TrafficProfile } from '../../lib/cost/traffic';

const G6 = 0.8048;
const A = new CostAssumptions({ stableWindow: Duration.seconds(0) });
const BURSTY = TrafficProfile.hourly(Array.from({ length: 24 }, (_, h) => (h === 9 || h === 10 ? 20 : 0)));

describe('estimateCost over a construct tree', () => {
  test('workload usage lands within its pool\'s bounds: min nodes stay on, max nodes cap', () => {
    const f = fixture();
    const pool = f.pool('l4', { minNodes: 1, maxNodes: 4 });
    new FakeWorkload(f.cluster, 'recs', (a, source) => estimateEndpointCost({ source, pool, minReplicas: 0, maxReplicas: 4, rpsPerReplica: 10, scaleDownDelay: Duration.minutes(10), traffic: BURSTY }, a).lines);
    const est = estimateCost(f.platform, A);
    expect(est.lines.map((l) => `${l.source} ${l.kind}`)).toEqual(['acme/prod/l4 capacity', 'acme/prod/recs usage']);
    const [p] = est.pools;
    // The endpoint needs ~142 node-hours, but one node is always on: 730 node-hours expected.
    expect(p.nodeHours).toEqual({ low: 730, expected: 730, high: 2920 });
    expect(p.usage.map((u) => u.source)).toEqual(['acme/prod/recs']);
    expect(est.totals.lowUsd).toBeCloseTo(730 * G6, 6);
    expect(est.totals.expectedUsd).toBeCloseTo(730 * G6, 6);
    expect(est.totals.highUsd).toBeCloseTo(2920 * G6, 6);
    expect(est.totals.complete).toBe(true);
  });

  test('usage above min nodes is the expected cost; a managed spot fallback group takes what exceeds the spot group', () => {
    const lines: CostLine[] = [
      line({ source: 'p', kind: 'capacity', poolPath: 'p', usdPerNodeHour: 1, nodeHours: { low: 0, expected: 0, high: 100 }, worstCaseMonthlyUsd: 300 }),
      line({ source: 'p', kind: 'capacity', poolPath: 'p', usdPerNodeHour: 2, nodeHours: { low: 0, expected: 0, high: 100 }, worstCaseMonthlyUsd: 300 }),
      line({ source: 'w', kind: 'usage', poolPath: 'p', nodeHours: { low: 0, expected: 150, high: 200 } }),
    ];
    const est = summarizeCost(lines);
    expect(est.pools[0].nodeHours).toEqual({ low: 0, expected: 150, high: 200 });
    expect(est.totals).toEqual({ lowUsd: 0, expectedUsd: 100 * 1 + 50 * 2, highUsd: 300, worstCaseUsd: 600, complete: true });
  });

  test('standalone usage adds its own cost; a line without a price makes the totals incomplete and is named', () => {
    const est = summarizeCost([
      line({ source: 'sagemaker', kind: 'usage', usdPerNodeHour: 2, nodeHours: { low: 1, expected: 2, high: 3 }, monthlyUsd: { low: 2, expected: 4, high: 6 } }),
      line({ source: 'h200', kind: 'capacity', poolPath: 'h200', description: 'nodes (p5e.48xlarge, on-demand)', nodeHours: { low: 0, expected: 0, high: 730 } }),
    ]);
    expect(est.standalone.map((s) => s.source)).toEqual(['sagemaker']);
    expect(est.totals).toMatchObject({ lowUsd: 2, expectedUsd: 4, highUsd: 6, worstCaseUsd: undefined, complete: false });
    expect(est.unpriced).toEqual(['h200: nodes (p5e.48xlarge, on-demand)']);
  });
});

function line(l: Partial<CostLine>): CostLine {
  return { source: '-', category: 'other', kind: 'usage', description: 'x', purchase: 'on-demand', nodeHours: { low: 0, expected: 0, high: 0 }, inputs: {}, scenarios: [], notes: [], ...l };
}
