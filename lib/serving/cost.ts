/**
 * Cost lines of an inference endpoint: KServe replicas on a GPU pool through the traffic
 * simulation of `estimateEndpointCost`; SageMaker endpoints as lines of their own, without a price
 * (the catalog holds EC2 On-Demand prices, not SageMaker's). Pure functions. @internal
 */
import type { IGpuNodePool } from '../compute/pool';
import { Duration } from '../core/duration';
import { CostAssumptions, round } from '../cost/assumptions';
import { CostCategories, CostLine, CostLineKinds, PurchaseOptions } from '../cost/cost-line';
import { EndpointCostInputs, estimateEndpointCost } from '../cost/endpoint-cost';
import { pricedPoolShape, purchaseOf } from '../cost/prices';
import type { TrafficProfile } from '../cost/traffic';

/** A KServe endpoint, as its cost estimate reads it. @internal */
export interface KServeCostSpec {
  readonly kind: 'kserve';
  readonly source: string;
  /** The GPU pool; none on CPU nodes. */
  readonly pool?: IGpuNodePool;
  readonly gpusPerReplica: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** `Knative` or `Standard`. */
  readonly mode: string;
  readonly targetConcurrency?: number;
  readonly targetRequestsPerSecond?: number;
  readonly requestLatency?: Duration;
  readonly scaleDownDelay: Duration;
  readonly scalingWindow?: Duration;
  readonly coldStart: Duration;
  readonly traffic?: TrafficProfile;
  /** Keep-warm windows (Standard mode), as `<replicas> replicas <start> → <end>`. */
  readonly keepWarm: string[];
}

/** A SageMaker endpoint, as its cost estimate reads it. @internal */
export interface SageMakerCostSpec {
  readonly kind: 'sagemaker-serverless' | 'sagemaker-async';
  readonly source: string;
  readonly name: string;
  readonly region: string;
  /** Async: the ML instance type and the instance bounds. */
  readonly instanceType?: string;
  readonly minInstances?: number;
  readonly maxInstances?: number;
  /** Serverless: memory, concurrency and provisioned concurrency. */
  readonly memorySizeMiB?: number;
  readonly maxConcurrency?: number;
  readonly provisionedConcurrency?: number;
  readonly traffic?: TrafficProfile;
}

/** What an endpoint's cost estimate reads. @internal */
export type EndpointCostSpec = KServeCostSpec | SageMakerCostSpec;

/** The cost lines of an endpoint. @internal */
export function endpointCost(spec: EndpointCostSpec, assumptions: CostAssumptions): CostLine[] {
  return spec.kind === 'kserve' ? kserveCost(spec, assumptions) : sageMakerCost(spec, assumptions);
}

/**
 * KServe: `estimateEndpointCost` on the pool. Replicas are sized as the autoscaler does: Knative
 * aims at `target × targetUtilization` (concurrency through Little's law with `requestLatency`);
 * Standard mode (KEDA, an HPA on the Prometheus metric) aims at the threshold itself. Without
 * `requestLatency`, a concurrency target cannot be turned into requests per second: the line then
 * has its bounds only, and says so. CPU endpoints run on the system node group, which the cost
 * model does not price: no line.
 */
function kserveCost(spec: KServeCostSpec, assumptions: CostAssumptions): CostLine[] {
  const pool = spec.pool;
  if (!pool) return [];
  const knative = spec.mode === 'Knative';
  const util = assumptions.targetUtilization;
  const notes: string[] = [];
  let sizing: Pick<EndpointCostInputs, 'rpsPerReplica' | 'targetConcurrency' | 'requestLatency'> | undefined;
  let shown: string | undefined;
  if (spec.targetRequestsPerSecond !== undefined) {
    const rps = knative ? spec.targetRequestsPerSecond * util : spec.targetRequestsPerSecond;
    sizing = { rpsPerReplica: rps };
    shown = knative
      ? `${round(rps, 3)} (targetRequestsPerSecond ${spec.targetRequestsPerSecond} × ${util})`
      : `${round(rps, 3)} (targetRequestsPerSecond; KEDA scales on the threshold itself)`;
  } else if (spec.requestLatency !== undefined) {
    if (knative) {
      sizing = { targetConcurrency: spec.targetConcurrency, requestLatency: spec.requestLatency };
    } else {
      const rps = spec.targetConcurrency! / spec.requestLatency.toSeconds();
      sizing = { rpsPerReplica: rps };
      shown = `${round(rps, 3)} (targetConcurrency ${spec.targetConcurrency} / ${spec.requestLatency}; KEDA scales on the threshold itself)`;
    }
  }
  // Without a replica size, traffic cannot be simulated: bounds only, whatever the assumptions say.
  const effective = sizing ? assumptions : withoutDefaultTraffic(assumptions);
  const unusedTraffic = sizing ? undefined : spec.traffic ?? assumptions.defaultTraffic;
  if (unusedTraffic) {
    notes.push(`traffic not simulated: requestLatency is unknown, so the concurrency target (${spec.targetConcurrency} in flight) gives no requests per second per replica; set requestLatency on the endpoint`,
      'bounds only: expected = min replicas always on');
  }
  if (spec.keepWarm.length) {
    notes.push(`keep-warm windows (${spec.keepWarm.join('; ')}) raise the minimum for their hours: not modelled, the expected figure may be low`);
  }
  if (knative && spec.scalingWindow && spec.scalingWindow.toSeconds() !== assumptions.stableWindow.toSeconds()) {
    notes.push(`the endpoint's scalingWindow (${spec.scalingWindow}) differs from the stable window assumed (${assumptions.stableWindow})`);
  }
  // The model packs replicas on the pool's smallest node; a replica larger than it cannot be estimated there.
  const unitsPerNode = pricedPoolShape(pool)?.unitsPerNode;
  if (unitsPerNode !== undefined && spec.gpusPerReplica > unitsPerNode) {
    return [unestimated(spec, pool, `${spec.gpusPerReplica} ${pool.resourceName} per replica exceed the ${unitsPerNode} of the pool's smallest instance type: not estimated`)];
  }
  const estimate = estimateEndpointCost({
    source: spec.source,
    pool,
    gpusPerReplica: spec.gpusPerReplica,
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    // Without sizing the rate only labels the inputs (no traffic is simulated): it is replaced below.
    ...(sizing ?? { rpsPerReplica: 1 }),
    scaleDownDelay: spec.scaleDownDelay,
    coldStart: spec.coldStart,
    traffic: sizing ? spec.traffic : undefined,
  }, effective);
  return estimate.lines.map((l) => ({
    ...l,
    inputs: {
      ...l.inputs,
      deploymentMode: spec.mode,
      rpsPerReplica: sizing ? shown ?? l.inputs.rpsPerReplica : `unknown (targetConcurrency ${spec.targetConcurrency}, no requestLatency)`,
      ...(unusedTraffic ? { traffic: `${unusedTraffic.toString()}${spec.traffic ? '' : ' (costAssumptions.defaultTraffic)'}, not simulated` } : {}),
    },
    notes: [...l.notes.filter((n) => !unusedTraffic || !n.startsWith('no traffic profile')), ...notes],
  }));
}

function unestimated(spec: KServeCostSpec, pool: IGpuNodePool, why: string): CostLine {
  return {
    source: spec.source,
    category: CostCategories.ENDPOINT,
    kind: CostLineKinds.USAGE,
    description: `replicas on ${pool.poolName} (not estimated)`,
    poolPath: pool.node.path,
    purchase: purchaseOf(pool),
    nodeHours: { low: 0, expected: 0, high: 0 },
    inputs: { pool: pool.node.path, gpusPerReplica: `${spec.gpusPerReplica} × ${pool.resourceName}` },
    scenarios: [],
    notes: [why],
  };
}

/** The same assumptions without `defaultTraffic`. */
function withoutDefaultTraffic(a: CostAssumptions): CostAssumptions {
  if (!a.defaultTraffic) return a;
  return new CostAssumptions({
    spotDiscount: a.spotDiscount,
    hoursPerMonth: a.hoursPerMonth,
    targetUtilization: a.targetUtilization,
    stableWindow: a.stableWindow,
    nodeScaleDownDelay: a.nodeScaleDownDelay,
    simulationStep: a.simulationStep,
  });
}

/**
 * SageMaker: a usage line of its own (no pool). Its price is not known here: asynchronous
 * endpoints run ML instances, priced apart from EC2; serverless endpoints are billed per GB-second
 * of compute and per GB of data processed. The line is named among the unpriced ones.
 */
function sageMakerCost(spec: SageMakerCostSpec, assumptions: CostAssumptions): CostLine[] {
  const h = assumptions.hoursPerMonth;
  const traffic = spec.traffic ? [`the traffic profile (${spec.traffic.toString()}) is not simulated on SageMaker`] : [];
  if (spec.kind === 'sagemaker-async') {
    const low = spec.minInstances! * h;
    const high = spec.maxInstances! * h;
    return [{
      source: spec.source,
      category: CostCategories.ENDPOINT,
      kind: CostLineKinds.USAGE,
      description: `SageMaker asynchronous endpoint ${spec.name} (${spec.minInstances}–${spec.maxInstances} × ${spec.instanceType})`,
      instanceType: spec.instanceType,
      purchase: PurchaseOptions.ON_DEMAND,
      usdPerNodeHour: undefined,
      nodeHours: { low, expected: low, high },
      monthlyUsd: undefined,
      inputs: {
        target: 'sagemaker-async',
        region: spec.region,
        instanceType: spec.instanceType!,
        minInstances: String(spec.minInstances),
        maxInstances: String(spec.maxInstances),
      },
      scenarios: [],
      notes: [
        `no price for ${spec.instanceType}: SageMaker ML instances are priced apart from EC2 and the catalog holds EC2 On-Demand prices only (the EC2 price of ${spec.instanceType!.replace(/^ml\./, '')} is not the ML price): not estimated`,
        'bounds only: expected = min instances always on (the queue backlog that scales the instances is not simulated)',
        ...traffic,
      ],
    }];
  }
  return [{
    source: spec.source,
    category: CostCategories.ENDPOINT,
    kind: CostLineKinds.USAGE,
    description: `SageMaker serverless endpoint ${spec.name} (${spec.memorySizeMiB} MiB, up to ${spec.maxConcurrency} concurrent${spec.provisionedConcurrency ? `, ${spec.provisionedConcurrency} provisioned` : ''})`,
    purchase: PurchaseOptions.ON_DEMAND,
    usdPerNodeHour: undefined,
    nodeHours: { low: 0, expected: 0, high: 0 },
    monthlyUsd: undefined,
    inputs: {
      target: 'sagemaker-serverless',
      region: spec.region,
      memorySizeMiB: String(spec.memorySizeMiB),
      maxConcurrency: String(spec.maxConcurrency),
      provisionedConcurrency: spec.provisionedConcurrency === undefined ? 'none' : String(spec.provisionedConcurrency),
    },
    scenarios: [],
    notes: [
      'SageMaker Serverless Inference is billed per GB-second of compute (memory × processing time) and per GB of data processed'
        + `${spec.provisionedConcurrency ? ', plus provisioned concurrency by the hour' : ''}; those prices are not in the catalog (EC2 On-Demand prices only): not estimated`,
      'no instances: node-hours are 0',
      ...traffic,
    ],
  }];
}
