/**
 * ServerlessInferenceEndpoint in the platform cost report: KServe replicas simulated on their pool,
 * SageMaker endpoints as lines of their own whose missing prices are named, not guessed.
 */
import { expectConfigError } from './support';
import { Duration } from '../../lib/core/duration';
import { CostAssumptions } from '../../lib/cost/assumptions';
import { CostLine } from '../../lib/cost/cost-line';
import { TrafficProfile } from '../../lib/cost/traffic';
import { ModelSource, ServerlessInferenceEndpoint, ServerlessInferenceEndpointProps, ServingRuntime, ServingTarget } from '../../lib/serving';
import { fixture } from '../cost/support';

/** g6.xlarge On-Demand list price (catalog, us-east-1), USD per hour. */
const G6_XLARGE = 0.8048;
/** 14 rps from 09:00 to 11:00, nothing otherwise. */
const TWO_BUSY_HOURS = TrafficProfile.hourly(Array.from({ length: 24 }, (_, h) => (h === 9 || h === 10 ? 14 : 0)));
const MODEL = ModelSource.s3('s3://acme-models/recs/', { sizeGiB: 4 });
const TGI_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04';
const SKLEARN_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';

function lineOf(lines: CostLine[], source: string): CostLine {
  const found = lines.filter((l) => l.source === source);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('KServe endpoints: replicas simulated on their pool', () => {
  const f = fixture();
  // 0–4 × g6.xlarge (one L4 each), on-demand.
  const l4 = f.pool('l4', { minNodes: 0, maxNodes: 4 });
  const knative = (id: string, props: Partial<ServerlessInferenceEndpointProps>) => new ServerlessInferenceEndpoint(f.cluster, id, {
    pool: l4, model: MODEL, runtime: ServingRuntime.TRITON, minReplicas: 0, maxReplicas: 4, scaleToZeroAfter: Duration.minutes(10), ...props,
  });
  const byRps = knative('byrps', { targetRequestsPerSecond: 10, traffic: TWO_BUSY_HOURS });
  knative('byconcurrency', { targetConcurrency: 8, requestLatency: Duration.millis(800), traffic: TWO_BUSY_HOURS });
  knative('bounds', { targetConcurrency: 8 });
  new ServerlessInferenceEndpoint(f.cluster, 'chat', {
    pool: l4, model: MODEL, runtime: ServingRuntime.VLLM, minReplicas: 1, maxReplicas: 2, targetConcurrency: 7, requestLatency: Duration.seconds(1),
  });
  new ServerlessInferenceEndpoint(f.cluster, 'cpu', { model: MODEL, runtime: ServingRuntime.SKLEARN, minReplicas: 1, maxReplicas: 2 });
  const est = f.platform.platformCostEstimate();

  test('scale to zero on RPS: the busy hours, plus the delays, priced at the pool\'s g6.xlarge rate', () => {
    // Knative aims at 10 rps × 0.7 (target utilization) = 7 rps a replica: 14 rps need 2 replicas,
    // one L4 each, so 2 nodes. They run 2 h + 10 min scale-down delay + 60 s stable window, and the
    // nodes 10 min more (node scale-down delay): 2 nodes × 141 min a day × 730 / 24 days a month.
    const nodeHours = 2 * (141 / 60) * (730 / 24);
    const line = lineOf(est.lines, 'acme/prod/byrps');
    expect(line).toMatchObject({ category: 'endpoint', kind: 'usage', poolPath: 'acme/prod/l4', instanceType: 'g6.xlarge', purchase: 'on-demand', usdPerNodeHour: G6_XLARGE });
    expect(line.nodeHours.low).toBe(0);
    expect(line.nodeHours.expected).toBeCloseTo(nodeHours, 6);
    expect(line.nodeHours.high).toBe(4 * 730);
    expect(line.monthlyUsd!.expected).toBeCloseTo(nodeHours * G6_XLARGE, 6);
    expect(line.inputs).toMatchObject({ deploymentMode: 'Knative', rpsPerReplica: '7 (targetRequestsPerSecond 10 × 0.7)', minReplicas: '0', maxReplicas: '4', scaleDownDelay: '10 minutes' });
    // The cold start is the endpoint's own estimate, and shows in the scale-to-zero scenario.
    expect(line.inputs.coldStart).toBe(byRps.coldStartTime.toString());
    expect(line.scenarios.find((s) => s.configured)!.name).toBe('scale to zero');
    // The line is the pool's usage in the platform estimate.
    expect(est.pools.find((p) => p.poolPath === 'acme/prod/l4')!.usage.map((u) => u.source)).toContain('acme/prod/byrps');
  });

  test('scale on concurrency with requestLatency: Little\'s law gives the same 7 rps a replica', () => {
    // 8 in flight × 0.7 / 0.8 s = 7 rps: the same replicas, the same node-hours.
    const line = lineOf(est.lines, 'acme/prod/byconcurrency');
    expect(line.nodeHours.expected).toBeCloseTo(2 * (141 / 60) * (730 / 24), 6);
    expect(line.inputs.rpsPerReplica).toBe('7 (targetConcurrency 8 × 0.7 / 800 milliseconds)');
  });

  test('concurrency without requestLatency or traffic: bounds only, and the line says what is missing', () => {
    const line = lineOf(est.lines, 'acme/prod/bounds');
    expect(line.nodeHours).toEqual({ low: 0, expected: 0, high: 4 * 730 });
    expect(line.inputs).toMatchObject({ rpsPerReplica: 'unknown (targetConcurrency 8, no requestLatency)', traffic: 'none' });
    expect(line.notes.join('\n')).toMatch(/^no traffic profile: expected = min replicas always on/m);
  });

  test('the platform\'s default traffic is not simulated for a concurrency target without requestLatency, and the line says why', () => {
    const g = fixture({ costAssumptions: new CostAssumptions({ defaultTraffic: TWO_BUSY_HOURS }) });
    const pool = g.pool('l4', { minNodes: 0, maxNodes: 4 });
    new ServerlessInferenceEndpoint(g.cluster, 'bounds', { pool, model: MODEL, runtime: ServingRuntime.TRITON, maxReplicas: 4, targetConcurrency: 8 });
    new ServerlessInferenceEndpoint(g.cluster, 'byrps', { pool, model: MODEL, runtime: ServingRuntime.TRITON, maxReplicas: 4, targetRequestsPerSecond: 10, scaleToZeroAfter: Duration.minutes(10) });
    const lines = g.platform.platformCostEstimate().lines;
    const bounds = lineOf(lines, 'acme/prod/bounds');
    expect(bounds.nodeHours.expected).toBe(0);
    expect(bounds.inputs.traffic).toMatch(/^daily hourly profile .* \(costAssumptions\.defaultTraffic\), not simulated$/);
    expect(bounds.notes).toContain('bounds only: expected = min replicas always on');
    expect(bounds.notes[0]).toMatch(/^traffic not simulated: requestLatency is unknown/);
    // The RPS-scaled endpoint uses the default traffic: the same 2 nodes × 141 min a day as above.
    expect(lineOf(lines, 'acme/prod/byrps').nodeHours.expected).toBeCloseTo(2 * (141 / 60) * (730 / 24), 6);
  });

  test('Standard mode (KEDA) scales on the threshold itself: no target utilization', () => {
    // 7 in flight / 1 s = 7 rps a replica; no traffic: 1 node always on (730 h), 2 at most (1,460 h).
    const line = lineOf(est.lines, 'acme/prod/chat');
    expect(line.inputs).toMatchObject({ deploymentMode: 'Standard', rpsPerReplica: '7 (targetConcurrency 7 / 1 second; KEDA scales on the threshold itself)' });
    expect(line.nodeHours).toEqual({ low: 730, expected: 730, high: 1460 });
    expect(line.monthlyUsd!.expected).toBeCloseTo(730 * G6_XLARGE, 6);
  });

  test('a CPU endpoint adds no line: the system node group is not priced', () => {
    expect(est.lines.filter((l) => l.source === 'acme/prod/cpu')).toEqual([]);
    expect(est.totals.complete).toBe(true);
  });

  test('a traffic profile with a concurrency target needs requestLatency', () => {
    const g = fixture();
    const pool = g.pool('l4', {});
    expectConfigError(() => new ServerlessInferenceEndpoint(g.cluster, 'x', { pool, model: MODEL, runtime: ServingRuntime.TRITON, traffic: TWO_BUSY_HOURS }),
      { path: 'acme/prod/x', field: 'requestLatency' });
  });
});

describe('SageMaker endpoints: lines of their own, prices named as missing', () => {
  const f = fixture();
  new ServerlessInferenceEndpoint(f.platform, 'summarize', {
    model: ModelSource.s3('s3://acme-models/summarize/v7/', { sizeGiB: 16 }),
    runtime: ServingRuntime.TGI,
    minReplicas: 1,
    maxReplicas: 3,
    target: ServingTarget.sagemakerAsync({ image: TGI_IMAGE, region: 'us-east-1', instanceType: 'ml.g5.2xlarge' }),
  });
  new ServerlessInferenceEndpoint(f.platform, 'iris', {
    model: ModelSource.s3('s3://acme-models/iris/v3/model.tar.gz', { sizeGiB: 0.1 }),
    runtime: ServingRuntime.SKLEARN,
    target: ServingTarget.sagemakerServerless({ image: SKLEARN_IMAGE, region: 'us-east-1', memorySizeMiB: 2048 }),
  });
  const est = f.platform.platformCostEstimate();

  test('asynchronous: instance-hours at the bounds (1 to 3 × 730 h), no ML price, named among the unpriced', () => {
    const line = lineOf(est.lines, 'acme/summarize');
    expect(line.poolPath).toBeUndefined();
    expect(line).toMatchObject({ kind: 'usage', category: 'endpoint', instanceType: 'ml.g5.2xlarge', usdPerNodeHour: undefined, monthlyUsd: undefined });
    expect(line.nodeHours).toEqual({ low: 730, expected: 730, high: 3 * 730 });
    expect(line.notes[0]).toMatch(/^no price for ml\.g5\.2xlarge: SageMaker ML instances are priced apart from EC2 .* not estimated$/);
    expect(est.standalone.map((l) => l.source)).toContain('acme/summarize');
    expect(est.unpriced).toContain('acme/summarize: SageMaker asynchronous endpoint acme-summarize (1–3 × ml.g5.2xlarge)');
  });

  test('serverless: priced per GB-second, which is not sourced here: named, not guessed', () => {
    const line = lineOf(est.lines, 'acme/iris');
    expect(line.usdPerNodeHour).toBeUndefined();
    expect(line.nodeHours).toEqual({ low: 0, expected: 0, high: 0 });
    expect(line.notes[0]).toMatch(/billed per GB-second of compute .* not in the catalog .*: not estimated$/);
    expect(est.unpriced).toContain('acme/iris: SageMaker serverless endpoint acme-iris (2048 MiB, up to 20 concurrent)');
    // The totals leave them out and say they are incomplete.
    expect(est.totals.complete).toBe(false);
    expect(est.totals.worstCaseUsd).toBeUndefined();
  });
});
