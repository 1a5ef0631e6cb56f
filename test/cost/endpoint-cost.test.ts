import { fixture } from './support';
import { GpuNodePool } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Duration } from '../../lib/core/duration';
import { ConfigError } from '../../lib/core/errors';
import { GpuSharing } from '../../lib/core/gpu-sharing';
import { CostAssumptions } from '../../lib/cost/assumptions';
import { CostLineKinds } from '../../lib/cost/cost-line';
import { estimateEndpointCost, EndpointCostInputs } from '../../lib/cost/endpoint-cost';
import { TrafficProfile } from '../../lib/cost/traffic';

const G6_XLARGE = 0.8048;
/** 20 rps from 09:00 to 11:00, nothing the rest of the day. */
const BURSTY = TrafficProfile.hourly(Array.from({ length: 24 }, (_, h) => (h === 9 || h === 10 ? 20 : 0)));
/** No stable window, so that the hand computation below holds exactly. */
const A = new CostAssumptions({ stableWindow: Duration.seconds(0) });
const DAYS = 730 / 24; // days in a 730-hour month

function inputs(extra: Partial<EndpointCostInputs> = {}): EndpointCostInputs {
  const pool = fixture().pool('l4', { minNodes: 0, maxNodes: 4 });
  return { source: 'acme/prod/recs', pool, minReplicas: 0, maxReplicas: 4, rpsPerReplica: 10, scaleDownDelay: Duration.minutes(10), traffic: BURSTY, ...extra };
}

describe('estimateEndpointCost: scale to zero on a bursty profile (hand-computed)', () => {
  // Demand: 2 replicas from 09:00 to 11:00 (120 min). Replicas stay 10 min (scale-down delay):
  // 130 min. Nodes (1 GPU each) stay 10 more minutes (node scale-down delay): 2 nodes × 140 min a day.
  const est = estimateEndpointCost(inputs({ coldStart: Duration.minutes(2) }), A);
  const [line] = est.lines;
  const scenario = (name: string) => est.scenarios.find((s) => s.name.startsWith(name))!;

  test('the configured scale-to-zero scenario: 2 nodes × 140 min a day', () => {
    const nodeHours = (2 * 140 / 60) * DAYS; // 141.944...
    expect(line.nodeHours.expected).toBeCloseTo(nodeHours, 6);
    expect(line.monthlyUsd!.expected).toBeCloseTo(nodeHours * G6_XLARGE, 6); // ≈ 114.24 USD
    expect(scenario('scale to zero').configured).toBe(true);
    expect(est.peakReplicas).toBe(2);
  });

  test('compared with fixed provisioning at peak: 2 nodes all month', () => {
    expect(scenario('fixed at peak').name).toBe('fixed at peak (2 replicas)');
    expect(scenario('fixed at peak').nodeHours).toBe(1460);
    expect(scenario('fixed at peak').monthlyUsd).toBeCloseTo(1460 * G6_XLARGE, 6); // 1175.008
  });

  test('compared with autoscaling that keeps one replica: 2 nodes × 140 min + 1 node × 1300 min a day', () => {
    const s = scenario('autoscaled');
    expect(s.name).toBe('autoscaled (min 1)');
    expect(s.configured).toBe(false);
    expect(s.nodeHours).toBeCloseTo(((2 * 140 + 1300) / 60) * DAYS, 6); // 800.97
  });

  test('bounds: min replicas always on (0) to max replicas always on (4 nodes)', () => {
    expect(line).toMatchObject({ kind: CostLineKinds.USAGE, category: 'endpoint', poolPath: 'acme/prod/l4', nodeHours: { low: 0, high: 2920 } });
  });

  test('cold starts: one a day, 2 minutes of requests at 20 rps wait each time', () => {
    const notes = scenario('scale to zero').notes.join(' ');
    expect(notes).toContain(`${Math.round(DAYS * 10) / 10} scale-ups from zero a month, each 2 minutes before the first replica is ready`);
    expect(notes).toContain(`~${Math.round(20 * 120 * DAYS)} requests wait for a cold start`);
  });

  test('the inputs appear in the line', () => {
    expect(line.inputs).toMatchObject({ minReplicas: '0', maxReplicas: '4', rpsPerReplica: '10', scaleDownDelay: '10 minutes', coldStart: '2 minutes' });
    expect(line.inputs.traffic).toMatch(/^daily hourly profile \(peak 20 rps/);
  });
});

describe('estimateEndpointCost', () => {
  test('the stable window adds to the scale-down delay (Knative default 60 s)', () => {
    const est = estimateEndpointCost(inputs(), CostAssumptions.defaults());
    // Replicas 131 min, nodes 141 min a day.
    expect(est.lines[0].nodeHours.expected).toBeCloseTo((2 * 141 / 60) * DAYS, 6);
  });

  test('replicas sized by target concurrency and latency (Little\'s law with the target utilisation)', () => {
    const est = estimateEndpointCost(inputs({ rpsPerReplica: undefined, targetConcurrency: 8, requestLatency: Duration.millis(400) }), A);
    // 8 × 0.7 / 0.4 s = 14 rps per replica: 20 rps needs 2 replicas.
    expect(est.peakReplicas).toBe(2);
    expect(est.lines[0].inputs.rpsPerReplica).toBe('14 (targetConcurrency 8 × 0.7 / 400 milliseconds)');
  });

  test('replicas are packed on the pool\'s units per node (time slicing: 4 replicas per L4)', () => {
    const pool = fixture().pool('l4', { sharing: GpuSharing.timeSlicing(4) });
    const est = estimateEndpointCost(inputs({ pool }), A);
    expect(est.lines[0].nodeHours.expected).toBeCloseTo((1 * 140 / 60) * DAYS, 6);
    expect(est.lines[0].nodeHours.high).toBe(730);
  });

  test('demand above max replicas is reported as unserved', () => {
    const est = estimateEndpointCost(inputs({ maxReplicas: 1 }), A);
    expect(est.lines[0].notes.join(' ')).toMatch(/demand exceeds max replicas or the pool's max nodes 60.8 h a month/);
  });

  test('min replicas above zero: the autoscaled scenario is the configured one', () => {
    const est = estimateEndpointCost(inputs({ minReplicas: 1 }), A);
    expect(est.scenarios.find((s) => s.configured)!.name).toBe('autoscaled (min 1)');
    expect(est.lines[0].nodeHours.low).toBe(730);
  });

  test('without traffic: bounds only, expected = min replicas, and the note says so', () => {
    const est = estimateEndpointCost(inputs({ traffic: undefined, minReplicas: 1 }), A);
    expect(est.scenarios).toEqual([]);
    expect(est.lines[0].nodeHours).toEqual({ low: 730, expected: 730, high: 2920 });
    expect(est.lines[0].notes.join(' ')).toMatch(/no traffic profile/);
  });

  test('the assumptions\' default traffic applies to endpoints that declare none', () => {
    const assumptions = new CostAssumptions({ stableWindow: Duration.seconds(0), defaultTraffic: BURSTY });
    const est = estimateEndpointCost(inputs({ traffic: undefined }), assumptions);
    expect(est.lines[0].nodeHours.expected).toBeCloseTo((2 * 140 / 60) * DAYS, 6);
    expect(est.lines[0].inputs.traffic).toMatch(/\(costAssumptions.defaultTraffic\)$/);
  });

  test('on existing nodes: zero cost', () => {
    const f = fixture();
    const pool = GpuNodePool.fromExistingNodes(f.platform.addExistingCluster('lab'), 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { gpu: 'a100' }, gpus: 8 });
    const est = estimateEndpointCost(inputs({ pool }), A);
    expect(est.lines[0].monthlyUsd).toEqual({ low: 0, expected: 0, high: 0 });
    expect(est.lines[0].purchase).toBe('existing');
  });

  test.each([
    ['minReplicas', { minReplicas: -1 }],
    ['maxReplicas', { maxReplicas: 0 }],
    ['maxReplicas', { minReplicas: 3, maxReplicas: 2 }],
    ['gpusPerReplica', { gpusPerReplica: 0 }],
    ['gpusPerReplica', { gpusPerReplica: 2 }],
    ['rpsPerReplica', { rpsPerReplica: -1 }],
    ['rpsPerReplica', { rpsPerReplica: undefined }],
    ['targetConcurrency', { rpsPerReplica: undefined, targetConcurrency: 0, requestLatency: Duration.seconds(1) }],
    ['requestLatency', { rpsPerReplica: undefined, targetConcurrency: 4, requestLatency: Duration.seconds(0) }],
  ])('throws when %s is invalid (%j)', (field, extra) => {
    const act = () => estimateEndpointCost(inputs(extra as Partial<EndpointCostInputs>), A);
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(new RegExp(`^acme/prod/recs: invalid ${field}`));
  });
});
