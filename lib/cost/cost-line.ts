import type { IConstruct } from 'constructs';
import type { CostAssumptions } from './assumptions';

/** Values of {@link CostLine.kind}. */
export const CostLineKinds = {
  /**
   * Capacity a pool may hold: its nodes between min (always on) and max (all on). Node-hours of
   * usage lines on the same pool fall within it.
   */
  CAPACITY: 'capacity',
  /** Node-hours a workload uses, on a pool (`poolPath`) or on its own (no pool). */
  USAGE: 'usage',
} as const;

/** Values of {@link CostLine.category}. */
export const CostCategories = {
  POOL: 'pool',
  ENDPOINT: 'endpoint',
  PIPELINE: 'pipeline',
  FUNCTION: 'function',
  OTHER: 'other',
} as const;

/** Values of {@link CostLine.purchase}. */
export const PurchaseOptions = {
  ON_DEMAND: 'on-demand',
  SPOT: 'spot',
  /** On-Demand Capacity Reservations: billed at the On-Demand rate. */
  RESERVED: 'reserved',
  /** EC2 Capacity Blocks for ML: priced per offering, so no price is known here. */
  CAPACITY_BLOCK: 'capacity-block',
  /** Nodes this program does not create (on-prem, someone else's): no cloud cost is estimated. */
  EXISTING: 'existing',
} as const;

/** A low / expected / high triple (per month). */
export interface CostRange {
  readonly low: number;
  readonly expected: number;
  readonly high: number;
}

/** One alternative a cost line is compared with (fixed at peak, autoscaled, scale to zero, spot, on-demand...). */
export interface CostScenario {
  /** Short name, e.g. `fixed at peak`, `scale to zero`, `spot`. */
  readonly name: string;
  /** Whether this is what the program configures. */
  readonly configured: boolean;
  /** Node-hours per month. */
  readonly nodeHours: number;
  /**
   * USD per month.
   * @default - unknown: the price of the instance type is not known
   */
  readonly monthlyUsd?: number;
  /** What else to know (cold starts, unserved demand...). */
  readonly notes: string[];
}

/**
 * One line of a cost estimate: node-hours per month and their price. Plain data, so that any
 * construct (pools, endpoints, pipelines, functions, on any cloud) can produce it.
 */
export interface CostLine {
  /** Construct path of the source. */
  readonly source: string;
  /** One of {@link CostCategories}. */
  readonly category: string;
  /** One of {@link CostLineKinds}. */
  readonly kind: string;
  /** What the line counts, e.g. `nodes (g6.xlarge, on-demand)`. */
  readonly description: string;
  /**
   * Construct path of the pool whose capacity the line uses (usage lines) or describes (capacity
   * lines).
   * @default - none: the line stands on its own (its cost adds to the platform total)
   */
  readonly poolPath?: string;
  /**
   * Instance type the price is for.
   * @default - none (existing nodes, or not an instance)
   */
  readonly instanceType?: string;
  /** One of {@link PurchaseOptions}. */
  readonly purchase: string;
  /**
   * USD per node-hour under the assumptions (Spot discount applied).
   * @default - unknown: the report says so and leaves the line out of the totals
   */
  readonly usdPerNodeHour?: number;
  /** Node-hours per month: low (min always on), expected (traffic or usage), high (max always on). */
  readonly nodeHours: CostRange;
  /**
   * USD per month, `nodeHours × usdPerNodeHour`.
   * @default - unknown price
   */
  readonly monthlyUsd?: CostRange;
  /**
   * USD per month in the worst case: max nodes on the most expensive allowed instance type, at the
   * On-Demand price (the default Spot maximum price).
   * @default - not computed (usage lines) or unknown price
   */
  readonly worstCaseMonthlyUsd?: number;
  /** The inputs the line was computed from, rendered (they appear in the report). */
  readonly inputs: Record<string, string>;
  /** Alternatives to compare with. */
  readonly scenarios: CostScenario[];
  /** Caveats. */
  readonly notes: string[];
}

/**
 * Anything that can say what it costs. The platform report finds every construct implementing it
 * by walking the construct tree (structurally: a `costEstimate` method is enough), so that
 * endpoints, pipelines and functions add their lines without the report knowing their classes.
 *
 * ```ts
 * class MyEndpoint extends Construct implements ICostSource {
 *   public costEstimate(assumptions: CostAssumptions): CostLine[] {
 *     return estimateEndpointCost({ source: this.node.path, pool, minReplicas: 0, ... }, assumptions).lines;
 *   }
 * }
 * ```
 */
export interface ICostSource {
  /** Cost lines of this construct under the given assumptions. Pure: no I/O, no new constructs. */
  costEstimate(assumptions: CostAssumptions): CostLine[];
}

/** Whether `x` implements {@link ICostSource}. */
export function isCostSource(x: unknown): x is ICostSource & IConstruct {
  return typeof x === 'object' && x !== null && typeof (x as { costEstimate?: unknown }).costEstimate === 'function';
}
