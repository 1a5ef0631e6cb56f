/**
 * Cost lines of a training pipeline; unknown runs or durations are never guessed (see
 * ../cost/runs.ts). Pure functions. @internal
 */
import { StageKinds, TrainingStage } from './vocabulary';
import type { IGpuNodePool } from '../compute/pool';
import { CostAssumptions, round } from '../cost/assumptions';
import { CostCategories, CostLine, CostLineKinds, PurchaseOptions } from '../cost/cost-line';
import { estimatePipelineCost } from '../cost/pipeline-cost';
import { pricedPoolShape } from '../cost/prices';
import { computedRuns, RunFacts, withUnknowns } from '../cost/runs';

/** What a pipeline's cost estimate reads (fixed at construction). @internal */
export interface PipelineCostSpec {
  readonly source: string;
  readonly stages: TrainingStage[];
  /** Runs a month from the triggers, when every trigger's rate is known. */
  readonly runsPerMonth?: number;
  /** Why the runs a month are unknown. */
  readonly runsHint: string;
  /** SageMaker realisation: the ML instance type of each stage. */
  readonly sagemakerInstanceTypes?: Record<string, string>;
}

/**
 * Cost lines of a training pipeline. On Kubernetes: one usage line per stage on a pool
 * (`estimatePipelineCost`: runs × nodes × duration on the pool); stages without a pool run on the
 * CPU (system) nodes, which the cost model does not price, and say so. On SageMaker: one line per
 * stage without a pool, for its ML instances, whose price is not in the catalog.
 * @internal
 */
export function pipelineCost(spec: PipelineCostSpec, assumptions: CostAssumptions): CostLine[] {
  const facts = (s: TrainingStage): RunFacts => ({
    runsPerMonth: spec.runsPerMonth,
    runsHint: spec.runsHint,
    duration: s.options.expectedDuration,
    bound: s.maxRuntime,
    boundName: s.kind === StageKinds.TRAIN ? 'maxRuntime' : 'timeout',
    durationHint: `set expectedDuration on stage "${s.name}"`,
  });
  if (spec.sagemakerInstanceTypes) {
    return spec.stages.map((s) => sageMakerStageLine(spec.source, s, spec.sagemakerInstanceTypes![s.name], facts(s), assumptions));
  }
  const lines: CostLine[] = [];
  const cpu: string[] = [];
  for (const s of spec.stages) {
    const pool = s.options.pool;
    if (!pool) {
      cpu.push(s.name);
      continue;
    }
    const f = facts(s);
    const { nodes, note } = stageNodes(s, pool);
    const { runsPerMonth, duration } = computedRuns(f);
    const [line] = estimatePipelineCost({ source: spec.source, runsPerMonth, stages: [{ name: s.name, pool, nodes, duration }] }, assumptions);
    const placed = { ...line, inputs: { ...line.inputs, kind: s.kind }, notes: note ? [...line.notes, note] : line.notes };
    lines.push(withUnknowns(placed, f));
  }
  if (cpu.length && lines.length) {
    const first = lines[0];
    lines[0] = {
      ...first,
      notes: [...first.notes, `stage${cpu.length > 1 ? 's' : ''} ${cpu.join(', ')} run${cpu.length > 1 ? '' : 's'} on the cluster's CPU nodes (the system node group), which the cost model does not price`],
    };
  }
  return lines;
}

/**
 * Nodes a stage holds: a train gang's `workers` pods of `gpusPerWorker` units each, packed on the
 * pool's nodes (as many pods per node as its units allow); any other stage one pod on one node.
 */
function stageNodes(s: TrainingStage, pool: IGpuNodePool): { nodes: number; note?: string } {
  if (s.kind !== StageKinds.TRAIN) return { nodes: 1 };
  const shape = pricedPoolShape(pool);
  const unitsPerNode = shape?.unitsPerNode ?? pool.maxUnits;
  const podsPerNode = Math.max(1, Math.floor(unitsPerNode / s.gpusPerWorker));
  const nodes = Math.ceil(s.workers / podsPerNode);
  if (shape && nodes > shape.maxNodes) {
    return {
      nodes: shape.maxNodes,
      note: `the gang needs ${nodes} nodes (${s.workers} workers, ${podsPerNode} per node) but pool ${pool.poolName} has at most ${shape.maxNodes}: counted at ${shape.maxNodes}; it cannot start as configured`,
    };
  }
  return { nodes };
}

/** A SageMaker stage: ML instances × duration, without a price (the catalog holds EC2 prices only). */
function sageMakerStageLine(source: string, s: TrainingStage, instanceType: string, f: RunFacts, assumptions: CostAssumptions): CostLine {
  const instances = s.kind === StageKinds.TRAIN ? s.workers : 1;
  const { runsPerMonth, duration } = computedRuns(f);
  const nodeHours = runsPerMonth * instances * duration.toHours();
  const spot = s.kind === StageKinds.TRAIN && s.capacity.interruptible;
  const line: CostLine = {
    source,
    category: CostCategories.PIPELINE,
    kind: CostLineKinds.USAGE,
    description: `stage ${s.name} on SageMaker (${instances} × ${instanceType}${spot ? ', managed spot training' : ''})`,
    instanceType,
    purchase: spot ? PurchaseOptions.SPOT : PurchaseOptions.ON_DEMAND,
    usdPerNodeHour: undefined,
    nodeHours: { low: nodeHours, expected: nodeHours, high: nodeHours },
    monthlyUsd: undefined,
    inputs: {
      stage: s.name,
      kind: s.kind,
      runsPerMonth: String(round(runsPerMonth, 3)),
      nodes: `${instances} × ${instanceType}`,
      duration: duration.toString(),
      target: 'sagemaker',
    },
    scenarios: [],
    notes: [
      `no price for ${instanceType}: SageMaker ML instances are priced apart from EC2 and the catalog holds EC2 On-Demand prices only: not estimated`,
      ...(spot ? [`managed spot training: billed below the On-Demand ML price (the assumed ${round(assumptions.spotDiscount * 100, 2)} % Spot discount is not applied to an unknown price)`] : []),
    ],
  };
  return withUnknowns(line, f);
}
