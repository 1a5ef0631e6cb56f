/**
 * Cost lines of a GpuFunction: runs a month × the duration of a run, on its pool (Kubernetes,
 * through `estimatePipelineCost`) or on AWS Batch instances (a line of its own, at the catalog's
 * On-Demand price of the instance type). Unknown runs or durations are said, not guessed. @internal
 */
import type { IGpuNodePool } from '../compute/pool';
import { Duration } from '../core/duration';
import { CostAssumptions, round } from '../cost/assumptions';
import { CostCategories, CostLine, CostLineKinds, CostScenario, PurchaseOptions } from '../cost/cost-line';
import { estimatePipelineCost } from '../cost/pipeline-cost';
import { PRICE_SOURCE } from '../cost/prices';
import { computedRuns, RunFacts, withUnknowns } from '../cost/runs';

/** What a function's cost estimate reads (fixed at construction). @internal */
export interface FunctionCostSpec {
  readonly source: string;
  readonly functionName: string;
  /** Runs a month: from the schedule, or `expectedRunsPerMonth`. */
  readonly runsPerMonth?: number;
  /** Why the runs a month are unknown. */
  readonly runsHint: string;
  readonly runDuration?: Duration;
  readonly timeout: Duration;
  /** Runs one node of the priced type hosts at once, when known. */
  readonly runsPerInstance?: number;
  /** Node provisioning + image pull of a run after an idle period. */
  readonly coldStart: Duration;
  /** Kubernetes: the pool and the units of its resource a run requests. */
  readonly kubernetes?: { readonly pool: IGpuNodePool; readonly unitsPerRun: number };
  /** AWS Batch: the instance type priced and how it is bought. */
  readonly batch?: {
    readonly instanceType: string;
    readonly onDemandUsdPerHour?: number;
    readonly spot: boolean;
    readonly fallbackToOnDemand: boolean;
    readonly region?: string;
  };
}

/** The cost lines of a function. @internal */
export function functionCost(spec: FunctionCostSpec, assumptions: CostAssumptions): CostLine[] {
  const facts: RunFacts = {
    runsPerMonth: spec.runsPerMonth,
    runsHint: spec.runsHint,
    duration: spec.runDuration,
    bound: spec.timeout,
    boundName: 'timeout',
    durationHint: 'set expectedRunDuration on the function',
  };
  const packing = spec.runsPerInstance !== undefined && spec.runsPerInstance > 1
    ? [`each run is counted on a node of its own; runs that overlap share a node (up to ${spec.runsPerInstance} per node), down to 1/${spec.runsPerInstance} of these node-hours`]
    : [];
  const cold = spec.coldStart.toSeconds() > 0
    ? [`not counted: after an idle period a run first waits ~${spec.coldStart} for a node and the image, billed while the node starts`] : [];
  if (spec.kubernetes) {
    const { pool, unitsPerRun } = spec.kubernetes;
    const { runsPerMonth, duration } = computedRuns(facts);
    const [line] = estimatePipelineCost({
      source: spec.source,
      category: CostCategories.FUNCTION,
      runsPerMonth,
      stages: [{ name: spec.functionName, pool, units: unitsPerRun, duration }],
    }, assumptions);
    return [withUnknowns({ ...line, description: line.description.replace(/^stage /, 'runs of '), notes: [...line.notes, ...packing, ...cold] }, facts)];
  }
  return [withUnknowns(batchLine(spec, facts, assumptions, [...packing, ...cold]), facts)];
}

/**
 * AWS Batch: instances outside the cluster's pools, so the line stands on its own (no `poolPath`).
 * One instance per run (the bound; Batch packs overlapping jobs), at the catalog's On-Demand
 * price, Spot at that price less the assumed discount (`costAssumptions.spotDiscount`).
 */
function batchLine(spec: FunctionCostSpec, facts: RunFacts, assumptions: CostAssumptions, extra: string[]): CostLine {
  const b = spec.batch!;
  const { runsPerMonth, duration } = computedRuns(facts);
  const nodeHours = runsPerMonth * duration.toHours();
  const od = b.onDemandUsdPerHour;
  const spot = od === undefined ? undefined : assumptions.spotPrice(od);
  const usd = b.spot ? spot : od;
  const notes: string[] = [];
  if (od === undefined) notes.push(`no On-Demand price for ${b.instanceType} in the catalog: not estimated`);
  else if (b.region && b.region !== PRICE_SOURCE.region) notes.push(`priced at the ${PRICE_SOURCE.region} list price; ${b.region} may differ`);
  if (b.spot && od !== undefined) {
    notes.push(`Spot priced at the On-Demand price × (1 − ${assumptions.spotDiscount}), the assumed discount of costAssumptions.spotDiscount, not a Spot price`);
    if (b.fallbackToOnDemand) notes.push(`jobs that fall back to On-Demand cost ${round(od, 4)} USD an instance-hour`);
  }
  const label = `${round(runsPerMonth, 3)} runs × 1 instance × ${round(duration.toHours(), 3)} h`;
  const scenarios: CostScenario[] = od === undefined ? [] : [
    { name: 'on-demand', configured: !b.spot, nodeHours, monthlyUsd: nodeHours * od, notes: [label] },
    { name: `spot (assumed ${round(assumptions.spotDiscount * 100, 2)} % off)`, configured: b.spot, nodeHours, monthlyUsd: nodeHours * spot!, notes: [label] },
  ];
  return {
    source: spec.source,
    category: CostCategories.FUNCTION,
    kind: CostLineKinds.USAGE,
    description: `runs of ${spec.functionName} on AWS Batch (${b.instanceType}, ${b.spot ? PurchaseOptions.SPOT : PurchaseOptions.ON_DEMAND})`,
    instanceType: b.instanceType,
    purchase: b.spot ? PurchaseOptions.SPOT : PurchaseOptions.ON_DEMAND,
    usdPerNodeHour: usd,
    nodeHours: { low: nodeHours, expected: nodeHours, high: nodeHours },
    monthlyUsd: usd === undefined ? undefined : { low: nodeHours * usd, expected: nodeHours * usd, high: nodeHours * usd },
    inputs: {
      target: 'aws-batch',
      runsPerMonth: String(round(runsPerMonth, 3)),
      nodes: `1 × ${b.instanceType} per run`,
      duration: duration.toString(),
    },
    scenarios,
    notes: [...notes, ...extra],
  };
}
