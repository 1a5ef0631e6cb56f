import { ConfigError } from './errors';
import { EksCapacityTypes, KarpenterCapacityTypes } from './well-known';

/** Values of {@link Capacity.kind}. */
export const CapacityKinds = {
  ON_DEMAND: 'on-demand',
  SPOT: 'spot',
  RESERVED: 'reserved',
} as const;

/** Options for {@link Capacity.spot}. */
export interface SpotCapacityOptions {
  /**
   * Launch On-Demand instances when Spot capacity is not available. Karpenter pools allow both
   * capacity types and prefer Spot; an EKS managed node group cannot mix them and stays Spot only.
   * @default false - Spot only: the pool waits for Spot capacity
   */
  readonly fallbackToOnDemand?: boolean;
}

/** Options for {@link Capacity.reserved}. */
export interface ReservedCapacityOptions {
  /**
   * EC2 capacity reservation ids (`cr-` followed by 17 hex digits), On-Demand Capacity
   * Reservations or Capacity Blocks for ML. Unresolved tokens are accepted unchecked.
   * @default - none: only open On-Demand Capacity Reservations that match the instance type and
   * zone are used, which EC2 applies to any matching On-Demand launch
   */
  readonly capacityReservationIds?: string[];
  /**
   * The reservations are EC2 Capacity Blocks for ML (GPU / Trainium capacity bought for a fixed
   * period). Capacity Blocks are targeted reservations: at least one id is required, and EKS
   * managed node groups use capacity type `CAPACITY_BLOCK`.
   * @default false
   */
  readonly capacityBlock?: boolean;
  /**
   * Launch On-Demand instances when the reservations are used up (Karpenter prefers `reserved`
   * capacity when both are allowed). EKS managed node groups cannot mix them.
   * @default false - reserved capacity only
   */
  readonly fallbackToOnDemand?: boolean;
}

/**
 * How nodes are bought: On-Demand, Spot (interruptible, cheaper), or reserved capacity (On-Demand
 * Capacity Reservations or Capacity Blocks for ML).
 *
 * Each cloud strategy reads what it needs: Karpenter's `karpenter.sh/capacity-type` values, or the
 * EKS managed node group `capacity_type`.
 */
export class Capacity {
  /** On-Demand instances. */
  public static onDemand(): Capacity {
    return new Capacity(CapacityKinds.ON_DEMAND, false, [], false);
  }

  /**
   * Spot instances: interruptible with two minutes' notice. Pair with checkpointing for training.
   */
  public static spot(options: SpotCapacityOptions = {}): Capacity {
    return new Capacity(CapacityKinds.SPOT, options.fallbackToOnDemand ?? false, [], false);
  }

  /**
   * Reserved capacity: On-Demand Capacity Reservations, or Capacity Blocks for ML with
   * `capacityBlock: true`.
   *
   * @throws ConfigError when an id is not a capacity reservation id, is listed twice, or
   *   `capacityBlock` is set without ids
   */
  public static reserved(options: ReservedCapacityOptions = {}): Capacity {
    const ids = options.capacityReservationIds ?? [];
    const capacityBlock = options.capacityBlock ?? false;
    ids.forEach((id, i) => {
      const field = `capacity.capacityReservationIds[${i}]`;
      if (typeof id !== 'string') {
        throw new ConfigError('-', field, id, 'an EC2 capacity reservation id, "cr-" followed by 17 hex digits (e.g. "cr-0123456789abcdef0")');
      }
      if (isUnresolvedToken(id)) return;
      if (!CAPACITY_RESERVATION_ID.test(id)) {
        throw new ConfigError('-', field, id, 'an EC2 capacity reservation id, "cr-" followed by 17 hex digits (e.g. "cr-0123456789abcdef0")');
      }
      if (ids.indexOf(id) !== i) {
        throw new ConfigError('-', field, id, 'each capacity reservation id once (it is already listed earlier)');
      }
    });
    if (capacityBlock && ids.length === 0) {
      throw new ConfigError('-', 'capacity.capacityReservationIds', ids,
        'at least one Capacity Block id ("cr-..."): Capacity Blocks are targeted reservations, used only by launches that name them');
    }
    return new Capacity(CapacityKinds.RESERVED, options.fallbackToOnDemand ?? false, ids, capacityBlock);
  }

  /** `on-demand`, `spot` or `reserved` (see {@link CapacityKinds}). */
  public readonly kind: string;
  /** Whether the pool may launch On-Demand instances when its preferred capacity is unavailable. */
  public readonly fallbackToOnDemand: boolean;
  /** Capacity reservation ids (reserved capacity only; empty otherwise). */
  public readonly capacityReservationIds: string[];
  /** Whether the reservations are Capacity Blocks for ML. */
  public readonly capacityBlock: boolean;

  private constructor(kind: string, fallbackToOnDemand: boolean, capacityReservationIds: string[], capacityBlock: boolean) {
    this.kind = kind;
    this.fallbackToOnDemand = fallbackToOnDemand;
    this.capacityReservationIds = Object.freeze([...capacityReservationIds]) as string[];
    this.capacityBlock = capacityBlock;
  }

  /** Whether nodes can be reclaimed by the cloud at short notice (Spot). */
  public get interruptible(): boolean {
    return this.kind === CapacityKinds.SPOT;
  }

  /**
   * Values for a Karpenter NodePool requirement on `karpenter.sh/capacity-type`: `['on-demand']`,
   * `['spot']`, `['spot', 'on-demand']` with fallback, `['reserved']` (Karpenter v1.3+ selects the
   * reservations through the EC2NodeClass `capacityReservationSelectorTerms`), or
   * `['reserved', 'on-demand']` with fallback. Reserved capacity without ids gives `['on-demand']`:
   * open reservations are consumed by ordinary On-Demand launches.
   */
  public get karpenterCapacityTypes(): string[] {
    switch (this.kind) {
      case CapacityKinds.SPOT:
        return this.fallbackToOnDemand ? [KarpenterCapacityTypes.SPOT, KarpenterCapacityTypes.ON_DEMAND] : [KarpenterCapacityTypes.SPOT];
      case CapacityKinds.RESERVED:
        if (this.capacityReservationIds.length === 0) return [KarpenterCapacityTypes.ON_DEMAND];
        return this.fallbackToOnDemand ? [KarpenterCapacityTypes.RESERVED, KarpenterCapacityTypes.ON_DEMAND] : [KarpenterCapacityTypes.RESERVED];
      default:
        return [KarpenterCapacityTypes.ON_DEMAND];
    }
  }

  /**
   * EKS managed node group `capacity_type`: `SPOT` for Spot (with or without fallback: a node group
   * cannot mix), `CAPACITY_BLOCK` for Capacity Blocks, else `ON_DEMAND` (On-Demand Capacity
   * Reservations are targeted through the launch template).
   */
  public get eksCapacityType(): string {
    if (this.kind === CapacityKinds.SPOT) return EksCapacityTypes.SPOT;
    if (this.kind === CapacityKinds.RESERVED && this.capacityBlock) return EksCapacityTypes.CAPACITY_BLOCK;
    return EksCapacityTypes.ON_DEMAND;
  }

  public toString(): string {
    const extras = [
      this.fallbackToOnDemand ? 'fallbackToOnDemand' : undefined,
      this.capacityBlock ? 'capacityBlock' : undefined,
      this.capacityReservationIds.length > 0 ? this.capacityReservationIds.join(',') : undefined,
    ].filter((e) => e !== undefined);
    return extras.length > 0 ? `${this.kind}(${extras.join(', ')})` : this.kind;
  }
}

const CAPACITY_RESERVATION_ID = /^cr-[0-9a-f]{17}$/;

/**
 * Whether a string holds a cdktf token (`${TfToken[...]}` and its list / map forms). Spelled out
 * here so that `lib/core` does not import cdktf.
 */
function isUnresolvedToken(value: string): boolean {
  return /[$#&]\{TfToken\[/.test(value);
}
