import { CostAssumptions, round } from './assumptions';
import { CostCategories, CostLine, CostLineKinds, CostScenario } from './cost-line';
import { nodePrice, pricedPoolShape } from './prices';
import type { TrafficProfile } from './traffic';
import type { IGpuNodePool } from '../compute/pool';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';

/**
 * What the cost model needs of an inference endpoint. Plain data: a serving construct fills it from
 * its props and returns `estimateEndpointCost(inputs, assumptions).lines` from its `costEstimate`.
 *
 * Replicas are sized either by `rpsPerReplica`, or by `targetConcurrency` and `requestLatency`
 * (Little's law: a replica sustains `targetConcurrency × targetUtilization / latency` requests per
 * second).
 */
export interface EndpointCostInputs {
  /** Construct path of the endpoint (names the line). @default '-' */
  readonly source?: string;
  /** The pool the replicas run on (their nodes are packed by the pool's units per node). */
  readonly pool: IGpuNodePool;
  /** Units of the pool's resource (`pool.resourceName`) each replica requests. @default 1 */
  readonly gpusPerReplica?: number;
  /** Minimum replicas (0 scales to zero). */
  readonly minReplicas: number;
  /** Maximum replicas. */
  readonly maxReplicas: number;
  /**
   * Requests a replica serves per second at its target load.
   * @default - derived from targetConcurrency and requestLatency
   */
  readonly rpsPerReplica?: number;
  /** In-flight requests per replica the autoscaler targets (KServe `scaleTarget`, Knative `target`). @default - rpsPerReplica is required */
  readonly targetConcurrency?: number;
  /** Time a request takes on a replica. @default - rpsPerReplica is required */
  readonly requestLatency?: Duration;
  /**
   * How long replicas stay after demand drops (Knative `scale-down-delay`; with min 0, the time to
   * scale to zero), on top of the autoscaler's stable window.
   * @default Duration.seconds(0)
   */
  readonly scaleDownDelay?: Duration;
  /** Time from scale-up to a ready replica (node start, image pull, model load). @default Duration.seconds(0) */
  readonly coldStart?: Duration;
  /** Requests per second over time. @default - assumptions.defaultTraffic; none: bounds only */
  readonly traffic?: TrafficProfile;
  /** Category of the line. @default CostCategories.ENDPOINT */
  readonly category?: string;
}

/** The result of {@link estimateEndpointCost}. */
export interface EndpointCostEstimate {
  /** One usage line on the pool: the configured scenario, with the others as comparisons. */
  readonly lines: CostLine[];
  /** Fixed at peak, autoscaled (min ≥ 1) and scale to zero, when there is traffic; else empty. */
  readonly scenarios: CostScenario[];
  /** Replicas the peak traffic needs (before the max-replicas cap). */
  readonly peakReplicas: number;
}

/** One simulated month. @internal */
export interface SimulationResult {
  readonly replicaHours: number;
  readonly nodeHours: number;
  readonly peakReplicas: number;
  readonly peakNodes: number;
  /** Scale-ups from zero replicas per month. */
  readonly coldStarts: number;
  /** Requests arriving while a replica starts from zero, per month (approximate). */
  readonly coldStartRequests: number;
  /** Hours per month when demand exceeds max replicas or the pool's max nodes. */
  readonly unservedHours: number;
}

/**
 * Cost of an inference endpoint on its pool: the traffic profile turned into replicas over time
 * (target load per replica, min/max replicas, scale-down delay plus the stable window, scale to
 * zero), replicas packed on nodes (`gpusPerReplica` of the pool's units per node, nodes removed
 * after the node scale-down delay, capped at the pool's max nodes), node-hours priced as the pool
 * buys them. Compared with fixed provisioning at peak and with the other autoscaling choice.
 *
 * Low = min replicas always on; high = max replicas always on; expected = the simulation (or low,
 * with a note, when there is no traffic profile).
 */
export function estimateEndpointCost(inputs: EndpointCostInputs, assumptions: CostAssumptions): EndpointCostEstimate {
  const path = inputs.source ?? '-';
  const pool = inputs.pool;
  const units = inputs.gpusPerReplica ?? 1;
  if (!Number.isInteger(inputs.minReplicas) || inputs.minReplicas < 0) {
    throw new ConfigError(path, 'minReplicas', inputs.minReplicas, 'an integer ≥ 0 (0 scales to zero)');
  }
  if (!Number.isInteger(inputs.maxReplicas) || inputs.maxReplicas < Math.max(1, inputs.minReplicas)) {
    throw new ConfigError(path, 'maxReplicas', inputs.maxReplicas, `an integer ≥ max(1, minReplicas = ${inputs.minReplicas})`);
  }
  if (!(units > 0) || !Number.isFinite(units)) {
    throw new ConfigError(path, 'gpusPerReplica', inputs.gpusPerReplica, `a positive number of ${pool.resourceName} units per replica`);
  }
  const rpsPerReplica = replicaCapacity(inputs, assumptions, path);
  const shape = pricedPoolShape(pool);
  const unitsPerNode = shape?.unitsPerNode ?? pool.maxUnits;
  if (units > unitsPerNode) {
    throw new ConfigError(path, 'gpusPerReplica', units, `at most the ${unitsPerNode} ${pool.resourceName} units of one node of pool ${pool.node.path}`);
  }
  const maxNodes = shape?.maxNodes ?? Math.max(1, Math.ceil(pool.maxUnits / unitsPerNode));
  const type = shape?.instanceTypes[0];
  const price = type ? nodePrice(pool, type, assumptions) : undefined;
  const usd = shape ? price?.usdPerHour : 0;
  const h = assumptions.hoursPerMonth;
  const nodesFor = (replicas: number) => Math.min(maxNodes, ceilUnits((replicas * units) / unitsPerNode));
  const low = nodesFor(inputs.minReplicas) * h;
  const high = nodesFor(inputs.maxReplicas) * h;
  const traffic = inputs.traffic ?? assumptions.defaultTraffic;
  const scaleDownDelay = inputs.scaleDownDelay ?? Duration.seconds(0);
  const coldStart = inputs.coldStart ?? Duration.seconds(0);
  const params = { rpsPerReplica, units, unitsPerNode, maxNodes, maxReplicas: inputs.maxReplicas, scaleDownDelay, coldStart };

  const notes = [...(price?.notes ?? [])];
  if (!shape) notes.push('runs on existing nodes: no cloud cost is estimated');
  const scenarios: CostScenario[] = [];
  let expected = low;
  let peakReplicas = inputs.minReplicas;
  if (traffic) {
    const configuredMin = inputs.minReplicas;
    peakReplicas = ceilUnits(traffic.peakRps / rpsPerReplica);
    const peak = Math.min(inputs.maxReplicas, Math.max(configuredMin, peakReplicas));
    const fixedNodeHours = nodesFor(peak) * h;
    const autoscaled = simulate(traffic, { ...params, minReplicas: Math.max(1, configuredMin) }, assumptions);
    const toZero = simulate(traffic, { ...params, minReplicas: 0 }, assumptions);
    const money = (nh: number) => (usd === undefined ? undefined : nh * usd);
    scenarios.push({
      name: `fixed at peak (${peak} replicas)`,
      configured: false,
      nodeHours: fixedNodeHours,
      monthlyUsd: money(fixedNodeHours),
      notes: ['no autoscaling: the peak replicas run all month'],
    });
    scenarios.push({
      name: `autoscaled (min ${Math.max(1, configuredMin)})`,
      configured: configuredMin > 0,
      nodeHours: autoscaled.nodeHours,
      monthlyUsd: money(autoscaled.nodeHours),
      notes: simulationNotes(autoscaled),
    });
    scenarios.push({
      name: 'scale to zero',
      configured: configuredMin === 0,
      nodeHours: toZero.nodeHours,
      monthlyUsd: money(toZero.nodeHours),
      notes: simulationNotes(toZero, coldStart),
    });
    const configured = configuredMin === 0 ? toZero : autoscaled;
    expected = configured.nodeHours;
    if (configured.unservedHours > 0) {
      notes.push(`demand exceeds max replicas or the pool's max nodes ${round(configured.unservedHours, 1)} h a month: raise maxReplicas or the pool's maxNodes`);
    }
  } else {
    notes.push('no traffic profile: expected = min replicas always on; give a TrafficProfile (or costAssumptions.defaultTraffic) to simulate');
  }

  const inputsShown: Record<string, string> = {
    pool: pool.node.path,
    gpusPerReplica: `${units} × ${pool.resourceName} (${unitsPerNode} per node)`,
    minReplicas: String(inputs.minReplicas),
    maxReplicas: String(inputs.maxReplicas),
    rpsPerReplica: String(round(rpsPerReplica, 3)) + (inputs.rpsPerReplica === undefined
      ? ` (targetConcurrency ${inputs.targetConcurrency} × ${assumptions.targetUtilization} / ${inputs.requestLatency!.toString()})` : ''),
    scaleDownDelay: scaleDownDelay.toString(),
    coldStart: coldStart.toString(),
    traffic: traffic ? traffic.toString() + (inputs.traffic ? '' : ' (costAssumptions.defaultTraffic)') : 'none',
  };
  const line: CostLine = {
    source: path,
    category: inputs.category ?? CostCategories.ENDPOINT,
    kind: CostLineKinds.USAGE,
    description: `replicas on ${pool.poolName}${type ? ` (${type}, ${price!.purchase})` : ' (existing nodes)'}`,
    poolPath: pool.node.path,
    instanceType: type,
    purchase: price?.purchase ?? 'existing',
    usdPerNodeHour: usd,
    nodeHours: { low, expected, high },
    monthlyUsd: usd === undefined ? undefined : { low: low * usd, expected: expected * usd, high: high * usd },
    inputs: inputsShown,
    scenarios,
    notes,
  };
  return { lines: [line], scenarios, peakReplicas };
}

/** What the simulation needs of an endpoint and its pool. @internal */
export interface SimulationParams {
  readonly rpsPerReplica: number;
  readonly units: number;
  readonly unitsPerNode: number;
  readonly maxNodes: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly scaleDownDelay: Duration;
  readonly coldStart: Duration;
}

/** Simulate one period of `traffic` and scale it to a month. @internal */
export function simulate(
  traffic: TrafficProfile,
  p: SimulationParams,
  assumptions: CostAssumptions,
): SimulationResult {
  const step = assumptions.simulationStep.toSeconds();
  const period = traffic.periodSeconds;
  const n = Math.max(1, ceilUnits(period / step));
  const weight = (i: number) => Math.min(step, period - i * step);
  const demand: number[] = [];
  const clamped: number[] = [];
  const rps: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = traffic.peakBetween(i * step, i * step + weight(i));
    rps.push(r);
    const d = r <= 0 ? 0 : ceilUnits(r / p.rpsPerReplica);
    demand.push(d);
    clamped.push(Math.min(p.maxReplicas, Math.max(p.minReplicas, d)));
  }
  const replicaWindow = ceilUnits((p.scaleDownDelay.toSeconds() + assumptions.stableWindow.toSeconds()) / step);
  const replicas = windowMax(clamped, replicaWindow);
  const needed = replicas.map((r) => ceilUnits((r * p.units) / p.unitsPerNode));
  const nodeWindow = ceilUnits(assumptions.nodeScaleDownDelay.toSeconds() / step);
  const nodesUncapped = windowMax(needed, nodeWindow);
  const nodes = nodesUncapped.map((x) => Math.min(x, p.maxNodes));
  const scale = assumptions.hoursPerMonth * 3600 / period;
  let replicaSeconds = 0;
  let nodeSeconds = 0;
  let unserved = 0;
  let coldStarts = 0;
  let coldStartRequests = 0;
  for (let i = 0; i < n; i++) {
    const w = weight(i);
    replicaSeconds += replicas[i] * w;
    nodeSeconds += nodes[i] * w;
    if (demand[i] > p.maxReplicas || needed[i] > p.maxNodes) unserved += w;
    const prev = replicas[(i - 1 + n) % n];
    if (n > 1 && prev === 0 && replicas[i] > 0) {
      coldStarts += 1;
      // Requests arriving until the first replica is ready wait (or time out).
      let waited = 0;
      for (let j = i; waited < p.coldStart.toSeconds() && j < i + n; j++) {
        const span = Math.min(weight(j % n), p.coldStart.toSeconds() - waited);
        coldStartRequests += rps[j % n] * span;
        waited += span;
      }
    }
  }
  return {
    replicaHours: (replicaSeconds / 3600) * scale,
    nodeHours: (nodeSeconds / 3600) * scale,
    peakReplicas: Math.max(...replicas),
    peakNodes: Math.max(...nodes),
    coldStarts: coldStarts * scale,
    coldStartRequests: coldStartRequests * scale,
    unservedHours: (unserved / 3600) * scale,
  };
}

/** out[i] = max(values[i - k .. i]), indices taken cyclically (the period repeats). */
function windowMax(values: number[], k: number): number[] {
  const n = values.length;
  if (k <= 0) return [...values];
  if (k >= n) return values.map(() => Math.max(...values));
  return values.map((_, i) => {
    let m = values[i];
    for (let j = 1; j <= k; j++) m = Math.max(m, values[(i - j + n) % n]);
    return m;
  });
}

function replicaCapacity(inputs: EndpointCostInputs, assumptions: CostAssumptions, path: string): number {
  if (inputs.rpsPerReplica !== undefined) {
    if (!(inputs.rpsPerReplica > 0) || !Number.isFinite(inputs.rpsPerReplica)) {
      throw new ConfigError(path, 'rpsPerReplica', inputs.rpsPerReplica, 'a positive number of requests per second one replica serves');
    }
    return inputs.rpsPerReplica;
  }
  if (inputs.targetConcurrency === undefined || inputs.requestLatency === undefined) {
    throw new ConfigError(path, 'rpsPerReplica', undefined, 'rpsPerReplica, or targetConcurrency together with requestLatency, to size replicas');
  }
  if (!(inputs.targetConcurrency > 0) || !Number.isFinite(inputs.targetConcurrency)) {
    throw new ConfigError(path, 'targetConcurrency', inputs.targetConcurrency, 'a positive number of in-flight requests per replica');
  }
  const latency = inputs.requestLatency.toSeconds();
  if (!(latency > 0)) {
    throw new ConfigError(path, 'requestLatency', inputs.requestLatency.toString(), 'a request time above zero, e.g. Duration.millis(200)');
  }
  return (inputs.targetConcurrency * assumptions.targetUtilization) / latency;
}

function simulationNotes(r: SimulationResult, coldStart?: Duration): string[] {
  const notes = [`${round(r.replicaHours, 1)} replica-hours, up to ${r.peakReplicas} replicas on ${r.peakNodes} nodes`];
  if (coldStart !== undefined && r.coldStarts > 0) {
    notes.push(`${round(r.coldStarts, 1)} scale-ups from zero a month, each ${coldStart.toString()} before the first replica is ready`
      + (r.coldStartRequests > 0 ? ` (~${Math.round(r.coldStartRequests)} requests wait for a cold start)` : ''));
  }
  if (r.unservedHours > 0) notes.push(`${round(r.unservedHours, 1)} h a month with demand above capacity`);
  return notes;
}

/** `Math.ceil` without floating-point noise (`2.0000000001` is 2) and without `-0`. @internal */
export function ceilUnits(x: number): number {
  return Math.max(0, Math.ceil(x - 1e-9));
}
