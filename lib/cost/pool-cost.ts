import { CostAssumptions, round } from './assumptions';
import { CostCategories, CostLine, CostLineKinds, CostScenario, PurchaseOptions } from './cost-line';
import { nodePrice, onDemandUsdPerHour, pricedPoolShape, purchaseOf } from './prices';
import type { IGpuNodePool } from '../compute/pool';

/**
 * The capacity lines of a GPU pool: node-hours per month from `minNodes` always on (low) to
 * `maxNodes` always on (high), priced at the pool's preferred (first) instance type and capacity
 * type, with the worst case (max nodes on the most expensive allowed type at the On-Demand price)
 * and a Spot vs On-Demand comparison. A Spot pool with On-Demand fallback realised as EKS managed
 * node groups has a second, On-Demand group that can add up to `maxNodes` more nodes: it gets its
 * own line. Existing nodes get one zero line that says why.
 */
export function estimatePoolCost(pool: IGpuNodePool, assumptions: CostAssumptions): CostLine[] {
  const source = pool.node.path;
  const shape = pricedPoolShape(pool);
  if (!shape) {
    return [{
      source,
      category: CostCategories.POOL,
      kind: CostLineKinds.CAPACITY,
      description: `existing nodes (${pool.maxUnits} × ${pool.resourceName})`,
      poolPath: source,
      purchase: PurchaseOptions.EXISTING,
      usdPerNodeHour: 0,
      nodeHours: { low: 0, expected: 0, high: 0 },
      monthlyUsd: { low: 0, expected: 0, high: 0 },
      worstCaseMonthlyUsd: 0,
      inputs: { accelerator: pool.accelerator.name, units: String(pool.maxUnits), capacity: pool.capacity.toString() },
      scenarios: [],
      notes: ['nodes this program does not create (on-prem or someone else\'s): no cloud cost is estimated; their own cost (hardware, power, licences) is not modelled'],
    }];
  }
  const h = assumptions.hoursPerMonth;
  const type = shape.instanceTypes[0];
  const price = nodePrice(pool, type, assumptions);
  const low = shape.minNodes * h;
  const high = shape.maxNodes * h;
  const inputs: Record<string, string> = {
    accelerator: pool.accelerator.name,
    instanceTypes: shape.instanceTypes.join(', '),
    capacity: pool.capacity.toString(),
    minNodes: String(shape.minNodes),
    maxNodes: String(shape.maxNodes),
    unitsPerNode: `${shape.unitsPerNode} × ${pool.resourceName}`,
    sharing: pool.sharing.toString(),
  };
  const notes = [...price.notes];
  if (shape.instanceTypes.length > 1) {
    notes.push(`priced at the preferred type ${type}; the provisioner may pick any of ${shape.instanceTypes.length} types (see the worst case)`);
  }
  const worst = worstCase(pool, shape.instanceTypes, shape.maxNodes, h);
  if (worst === undefined) notes.push('worst case unknown: an allowed instance type has no On-Demand price');
  const lines: CostLine[] = [{
    source,
    category: CostCategories.POOL,
    kind: CostLineKinds.CAPACITY,
    description: `nodes (${type}, ${price.purchase})`,
    poolPath: source,
    instanceType: type,
    purchase: price.purchase,
    usdPerNodeHour: price.usdPerHour,
    nodeHours: { low, expected: low, high },
    monthlyUsd: price.usdPerHour === undefined ? undefined
      : { low: low * price.usdPerHour, expected: low * price.usdPerHour, high: high * price.usdPerHour },
    worstCaseMonthlyUsd: worst,
    inputs,
    scenarios: spotVersusOnDemand(pool, type, high, assumptions, 'max nodes always on'),
    notes,
  }];
  const managedFallback = purchaseOf(pool) === PurchaseOptions.SPOT && pool.capacity.fallbackToOnDemand && shape.provisioner === 'eks-managed-node-group';
  if (managedFallback) {
    const od = onDemandUsdPerHour(pool, type);
    lines.push({
      source,
      category: CostCategories.POOL,
      kind: CostLineKinds.CAPACITY,
      description: `On-Demand fallback node group (${type})`,
      poolPath: source,
      instanceType: type,
      purchase: PurchaseOptions.ON_DEMAND,
      usdPerNodeHour: od,
      nodeHours: { low: 0, expected: 0, high },
      monthlyUsd: od === undefined ? undefined : { low: 0, expected: 0, high: high * od },
      worstCaseMonthlyUsd: worst,
      inputs: { minNodes: '0', maxNodes: String(shape.maxNodes) },
      scenarios: [],
      notes: ['an EKS managed node group has one capacity type: the fallback is a second On-Demand group (min 0, same max) that the Cluster Autoscaler uses when Spot is unavailable; expected 0 (Spot preferred)'],
    });
  }
  return lines;
}

/** Spot vs On-Demand for `nodeHours` of `type` nodes of a pool. @internal */
export function spotVersusOnDemand(pool: IGpuNodePool, type: string, nodeHours: number, assumptions: CostAssumptions, note: string): CostScenario[] {
  const bought = purchaseOf(pool);
  const out: CostScenario[] = [];
  for (const purchase of [PurchaseOptions.ON_DEMAND, PurchaseOptions.SPOT]) {
    const p = nodePrice(pool, type, assumptions, purchase);
    const configured = purchase === bought || (purchase === PurchaseOptions.ON_DEMAND && bought === PurchaseOptions.RESERVED);
    out.push({
      name: purchase === PurchaseOptions.SPOT ? `spot (assumed ${round(assumptions.spotDiscount * 100, 2)} % off)` : 'on-demand',
      configured,
      nodeHours,
      monthlyUsd: p.usdPerHour === undefined ? undefined : nodeHours * p.usdPerHour,
      notes: [note],
    });
  }
  return out;
}

/** Max nodes always on, on the most expensive allowed type, at the On-Demand price; undefined when a price is missing. */
function worstCase(pool: IGpuNodePool, types: string[], maxNodes: number, hours: number): number | undefined {
  const prices = types.map((t) => onDemandUsdPerHour(pool, t));
  if (prices.some((p) => p === undefined)) return undefined;
  return maxNodes * hours * Math.max(...(prices as number[]));
}
