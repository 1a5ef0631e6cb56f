import type { IConstruct } from 'constructs';
import type { CostAssumptions } from './assumptions';
import { CostLine, CostLineKinds, CostRange, isCostSource } from './cost-line';

/** A pool's capacity with the usage of the workloads on it. */
export interface PoolCostSummary {
  /** Construct path of the pool. */
  readonly poolPath: string;
  /** The pool's capacity lines (nodes, fallback group). */
  readonly capacity: CostLine[];
  /** Usage lines of workloads on the pool. */
  readonly usage: CostLine[];
  /** Node-hours per month: low (min nodes), expected (usage, within min and max), high (max nodes). */
  readonly nodeHours: CostRange;
  /** USD per month. @default - unknown: a capacity line has no price */
  readonly monthlyUsd?: CostRange;
  /** Worst case USD per month. @default - unknown */
  readonly worstCaseMonthlyUsd?: number;
}

/** Platform totals, USD per month. */
export interface CostTotals {
  /** Every pool at min nodes, every standalone workload at its low. */
  readonly lowUsd: number;
  /** Usage within each pool's bounds, plus standalone workloads' expected cost. */
  readonly expectedUsd: number;
  /** Every pool at max nodes (the budget guardrail compares this): the estimated upper bound. */
  readonly highUsd: number;
  /** Max nodes on the most expensive allowed types at On-Demand prices. @default - unknown */
  readonly worstCaseUsd?: number;
  /** False when a line has no price (the totals then leave it out). */
  readonly complete: boolean;
}

/** The cost of a whole construct tree. */
export interface PlatformCostEstimate {
  /** Every line, in construct-tree order. */
  readonly lines: CostLine[];
  /** Pools with their usage. */
  readonly pools: PoolCostSummary[];
  /** Usage lines not on a priced pool of the tree (their own cost adds to the totals). */
  readonly standalone: CostLine[];
  readonly totals: CostTotals;
  /** Lines left out of the totals for want of a price, as `<source>: <description>`. */
  readonly unpriced: string[];
}

/** Estimate every {@link ICostSource} under `root` (found by walking the construct tree). */
export function estimateCost(root: IConstruct, assumptions: CostAssumptions): PlatformCostEstimate {
  const lines = root.node.findAll().filter(isCostSource).flatMap((s) => s.costEstimate(assumptions));
  return summarizeCost(lines);
}

/** Group lines by pool and add them up. */
export function summarizeCost(lines: CostLine[]): PlatformCostEstimate {
  const capacityByPool = new Map<string, CostLine[]>();
  for (const l of lines) {
    if (l.kind === CostLineKinds.CAPACITY) {
      const key = l.poolPath ?? l.source;
      capacityByPool.set(key, [...(capacityByPool.get(key) ?? []), l]);
    }
  }
  const usageByPool = new Map<string, CostLine[]>();
  const standalone: CostLine[] = [];
  for (const l of lines) {
    if (l.kind !== CostLineKinds.USAGE) continue;
    if (l.poolPath && capacityByPool.has(l.poolPath)) usageByPool.set(l.poolPath, [...(usageByPool.get(l.poolPath) ?? []), l]);
    else standalone.push(l);
  }
  const unpriced: string[] = [];
  const pools: PoolCostSummary[] = [];
  let complete = true;
  let low = 0;
  let expected = 0;
  let high = 0;
  let worst: number | undefined = 0;
  for (const [poolPath, capacity] of capacityByPool) {
    const usage = usageByPool.get(poolPath) ?? [];
    let remaining = usage.reduce((a, u) => a + u.nodeHours.expected, 0);
    const nh = { low: 0, expected: 0, high: 0 };
    const usd = { low: 0, expected: 0, high: 0 };
    let priced = true;
    let poolWorst: number | undefined = 0;
    for (const c of capacity) {
      const e = Math.min(c.nodeHours.high, Math.max(c.nodeHours.low, remaining));
      remaining = Math.max(0, remaining - e);
      nh.low += c.nodeHours.low;
      nh.expected += e;
      nh.high += c.nodeHours.high;
      if (c.usdPerNodeHour === undefined) {
        priced = false;
        unpriced.push(`${c.source}: ${c.description}`);
      } else {
        usd.low += c.nodeHours.low * c.usdPerNodeHour;
        usd.expected += e * c.usdPerNodeHour;
        usd.high += c.nodeHours.high * c.usdPerNodeHour;
      }
      poolWorst = poolWorst === undefined || c.worstCaseMonthlyUsd === undefined ? undefined : poolWorst + c.worstCaseMonthlyUsd;
    }
    if (!priced) complete = false;
    low += usd.low;
    expected += usd.expected;
    high += usd.high;
    worst = worst === undefined || poolWorst === undefined ? undefined : worst + poolWorst;
    pools.push({ poolPath, capacity, usage, nodeHours: nh, monthlyUsd: priced ? usd : undefined, worstCaseMonthlyUsd: poolWorst });
  }
  for (const s of standalone) {
    if (!s.monthlyUsd) {
      complete = false;
      unpriced.push(`${s.source}: ${s.description}`);
      continue;
    }
    low += s.monthlyUsd.low;
    expected += s.monthlyUsd.expected;
    high += s.monthlyUsd.high;
    worst = worst === undefined ? undefined : worst + s.monthlyUsd.high;
  }
  if (!complete) worst = undefined;
  return { lines, pools, standalone, totals: { lowUsd: low, expectedUsd: expected, highUsd: high, worstCaseUsd: worst, complete }, unpriced };
}
