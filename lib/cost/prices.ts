import type { CostAssumptions } from './assumptions';
import { PurchaseOptions } from './cost-line';
import type { IGpuNodePool } from '../compute/pool';
import { AWS_INSTANCE_TYPE_FACTS } from '../core/aws-instance-types';

/**
 * Where prices come from: the On-Demand list prices of the accelerator catalog
 * (`findAwsInstanceType(...).onDemandUsdPerHour`, AWS Price List API, us-east-1, Linux, read
 * 2026-07-20). Missing prices stay missing: the report names them and leaves them out of the totals.
 */
export const PRICE_SOURCE = {
  description: 'On-Demand list price, USD per instance-hour, Linux, from the AWS Price List API as Karpenter records it (aws/karpenter-provider-aws, pkg/providers/pricing/zz_generated.pricing_aws.go at commit 1d927085), instance specifications from the Amazon EC2 accelerated computing instance documentation',
  region: AWS_INSTANCE_TYPE_FACTS.priceRegion,
  retrievedAt: AWS_INSTANCE_TYPE_FACTS.priceDataRetrievedAt,
  readOn: AWS_INSTANCE_TYPE_FACTS.readOn,
  excludes: 'Savings Plans, Reserved Instances, Capacity Blocks, Spot, other regions, EBS, data transfer, taxes',
} as const;

/** The price of one node of a pool under the assumptions. */
export interface NodePrice {
  /** The instance type priced. */
  readonly instanceType: string;
  /** One of {@link PurchaseOptions}. */
  readonly purchase: string;
  /** On-Demand list price, when the catalog has one. */
  readonly onDemandUsdPerHour?: number;
  /** Price under the assumptions (Spot discount applied), when known. */
  readonly usdPerHour?: number;
  /** Why a price is missing, or what it assumes. */
  readonly notes: string[];
}

/** What the cost model reads of a pool whose nodes this program creates. @internal */
export interface PricedPoolShape {
  readonly instanceTypes: string[];
  readonly unitsPerNode: number;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly provisioner?: string;
}

/** The shape of a pool this program creates, or undefined for existing nodes. @internal */
export function pricedPoolShape(pool: IGpuNodePool): PricedPoolShape | undefined {
  const p = pool as unknown as Partial<PricedPoolShape> & { realisation?: { provisioner?: string } };
  if (!Array.isArray(p.instanceTypes) || typeof p.unitsPerNode !== 'number' || typeof p.minNodes !== 'number' || typeof p.maxNodes !== 'number') {
    return undefined;
  }
  return {
    instanceTypes: p.instanceTypes, unitsPerNode: p.unitsPerNode, minNodes: p.minNodes, maxNodes: p.maxNodes, provisioner: p.realisation?.provisioner,
  };
}

/** The On-Demand list price of an instance type on a cloud, from the accelerator catalog, or undefined. */
export function onDemandUsdPerHour(pool: IGpuNodePool, instanceType: string): number | undefined {
  const cloud = pool.cluster.cloud ?? 'aws';
  return pool.accelerator.instanceTypes(cloud).find((t) => t.name === instanceType)?.onDemandUsdPerHour;
}

/**
 * The price of one node of `instanceType` in `pool`, bought as the pool buys (or as `purchase`
 * says, to compare Spot with On-Demand).
 */
export function nodePrice(pool: IGpuNodePool, instanceType: string, assumptions: CostAssumptions, purchase?: string): NodePrice {
  const bought = purchase ?? purchaseOf(pool);
  const notes: string[] = [];
  const od = onDemandUsdPerHour(pool, instanceType);
  const cloud = pool.cluster.cloud ?? 'aws';
  if (od === undefined) {
    notes.push(`no On-Demand price for ${instanceType} in the catalog (${cloud === 'aws' ? 'sold through Capacity Blocks for ML, priced per offering' : `no ${cloud} prices are recorded`}): not estimated`);
  } else if (cloud === 'aws' && pool.cluster.region && pool.cluster.region !== PRICE_SOURCE.region) {
    notes.push(`priced at the ${PRICE_SOURCE.region} list price; ${pool.cluster.region} may differ`);
  }
  let usd: number | undefined;
  switch (bought) {
    case PurchaseOptions.SPOT:
      usd = od === undefined ? undefined : assumptions.spotPrice(od);
      break;
    case PurchaseOptions.CAPACITY_BLOCK:
      usd = undefined;
      notes.push('Capacity Blocks for ML are priced per offering: not estimated');
      break;
    default:
      // On-Demand, and On-Demand Capacity Reservations (billed at the On-Demand rate).
      usd = od;
  }
  return { instanceType, purchase: bought, onDemandUsdPerHour: od, usdPerHour: usd, notes };
}

/** How a pool buys its nodes: one of {@link PurchaseOptions}. */
export function purchaseOf(pool: IGpuNodePool): string {
  if (!pricedPoolShape(pool)) return PurchaseOptions.EXISTING;
  switch (pool.capacity.kind) {
    case 'spot': return PurchaseOptions.SPOT;
    case 'reserved': return pool.capacity.capacityBlock ? PurchaseOptions.CAPACITY_BLOCK : PurchaseOptions.RESERVED;
    default: return PurchaseOptions.ON_DEMAND;
  }
}
