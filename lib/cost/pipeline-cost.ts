import { CostAssumptions, round } from './assumptions';
import { CostCategories, CostLine, CostLineKinds } from './cost-line';
import { ceilUnits } from './endpoint-cost';
import { spotVersusOnDemand } from './pool-cost';
import { nodePrice, pricedPoolShape } from './prices';
import type { IGpuNodePool } from '../compute/pool';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';

/** One stage of a pipeline run (or one kind of function invocation). */
export interface PipelineStageCostInputs {
  /** Stage name, e.g. `train`. */
  readonly name: string;
  /** The pool the stage runs on. */
  readonly pool: IGpuNodePool;
  /**
   * Whole nodes the stage holds (a gang of `nodes` nodes).
   * @default - enough nodes for `units`, else 1
   */
  readonly nodes?: number;
  /**
   * Units of the pool's resource the stage requests, packed on nodes (`ceil(units / unitsPerNode)` nodes).
   * @default - see nodes
   */
  readonly units?: number;
  /** Wall time of one run of the stage (including waiting for its nodes to start). */
  readonly duration: Duration;
}

/**
 * What the cost model needs of a pipeline: runs per month and, per stage, nodes × duration on a
 * pool. Functions invoked in batches use the same shape (`runsPerMonth` = invocations).
 */
export interface PipelineCostInputs {
  /** Construct path of the pipeline (names the lines). @default '-' */
  readonly source?: string;
  /** Runs per month (a fraction is fine: 0.5 = every other month). */
  readonly runsPerMonth: number;
  /** The stages of one run. */
  readonly stages: PipelineStageCostInputs[];
  /** Category of the lines. @default CostCategories.PIPELINE */
  readonly category?: string;
}

/**
 * Cost of a pipeline: one usage line per stage, `runsPerMonth × nodes × duration` node-hours on the
 * stage's pool, priced as the pool buys, with Spot and On-Demand compared. Spot runs are assumed
 * to take as long as On-Demand ones (with checkpoints, an interruption costs at most the work since
 * the last checkpoint; that rework is not modelled).
 */
export function estimatePipelineCost(inputs: PipelineCostInputs, assumptions: CostAssumptions): CostLine[] {
  const path = inputs.source ?? '-';
  if (typeof inputs.runsPerMonth !== 'number' || !Number.isFinite(inputs.runsPerMonth) || inputs.runsPerMonth < 0) {
    throw new ConfigError(path, 'runsPerMonth', inputs.runsPerMonth, 'a number of runs per month ≥ 0');
  }
  if (!inputs.stages?.length) {
    throw new ConfigError(path, 'stages', inputs.stages, 'at least one stage with a pool, nodes and a duration');
  }
  return inputs.stages.map((stage, i) => {
    const field = `stages[${i}]`;
    const shape = pricedPoolShape(stage.pool);
    const unitsPerNode = shape?.unitsPerNode ?? stage.pool.maxUnits;
    let nodes = stage.nodes;
    if (nodes !== undefined && (!Number.isInteger(nodes) || nodes < 1)) {
      throw new ConfigError(path, `${field}.nodes`, nodes, 'a whole number of nodes ≥ 1');
    }
    if (stage.units !== undefined) {
      if (!(stage.units > 0) || !Number.isFinite(stage.units)) {
        throw new ConfigError(path, `${field}.units`, stage.units, `a positive number of ${stage.pool.resourceName} units`);
      }
      nodes = nodes ?? ceilUnits(stage.units / unitsPerNode);
    }
    nodes = nodes ?? 1;
    if (shape && nodes > shape.maxNodes) {
      throw new ConfigError(path, `${field}.nodes`, nodes, `at most the ${shape.maxNodes} max nodes of pool ${stage.pool.node.path}`);
    }
    const hours = stage.duration.toHours();
    if (!(hours > 0)) {
      throw new ConfigError(path, `${field}.duration`, stage.duration.toString(), 'a run time above zero');
    }
    const nodeHours = inputs.runsPerMonth * nodes * hours;
    const type = shape?.instanceTypes[0];
    const price = type ? nodePrice(stage.pool, type, assumptions) : undefined;
    const usd = shape ? price?.usdPerHour : 0;
    const notes = [...(price?.notes ?? [])];
    if (!shape) notes.push('runs on existing nodes: no cloud cost is estimated');
    return {
      source: path,
      category: inputs.category ?? CostCategories.PIPELINE,
      kind: CostLineKinds.USAGE,
      description: `stage ${stage.name} on ${stage.pool.poolName}${type ? ` (${nodes} × ${type}, ${price!.purchase})` : ' (existing nodes)'}`,
      poolPath: stage.pool.node.path,
      instanceType: type,
      purchase: price?.purchase ?? 'existing',
      usdPerNodeHour: usd,
      nodeHours: { low: nodeHours, expected: nodeHours, high: nodeHours },
      monthlyUsd: usd === undefined ? undefined : { low: nodeHours * usd, expected: nodeHours * usd, high: nodeHours * usd },
      inputs: {
        stage: stage.name,
        runsPerMonth: String(round(inputs.runsPerMonth, 3)),
        nodes: String(nodes) + (stage.units !== undefined ? ` (${stage.units} × ${stage.pool.resourceName}, ${unitsPerNode} per node)` : ''),
        duration: stage.duration.toString(),
        pool: stage.pool.node.path,
      },
      scenarios: type ? spotVersusOnDemand(stage.pool, type, nodeHours, assumptions, `${round(inputs.runsPerMonth, 3)} runs × ${nodes} nodes × ${round(hours, 3)} h`) : [],
      notes,
    };
  });
}
