import type { TrafficProfile } from './traffic';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';

/** Props of {@link CostAssumptions}. Every default is stated in the cost report. */
export interface CostAssumptionsProps {
  /**
   * Fraction of the On-Demand list price that Spot capacity is assumed to save (0 ≤ x < 1): Spot is
   * priced at `onDemand × (1 − spotDiscount)`.
   *
   * This is an ASSUMPTION, not a sourced fact: `vendor/data/aws-accelerators.json` records no Spot
   * prices and no first-party source for a typical GPU Spot discount was found. Set your own from
   * the Spot price history of your region. Worst-case figures always use the On-Demand price (the
   * default Spot maximum price is the On-Demand price).
   * @default 0.5
   */
  readonly spotDiscount?: number;
  /** Hours in a month. @default 730 (8,760 hours a year / 12) */
  readonly hoursPerMonth?: number;
  /**
   * Share of an endpoint's target concurrency the autoscaler aims for (Knative
   * `autoscaling.knative.dev/target-utilization-percentage`, 70 by default in Knative Serving).
   * @default 0.7
   */
  readonly targetUtilization?: number;
  /**
   * How long demand must stay low before the autoscaler removes replicas, on top of an endpoint's
   * own scale-down delay (the Knative stable window, 60 s by default).
   * @default Duration.seconds(60)
   */
  readonly stableWindow?: Duration;
  /**
   * How long an empty node stays before it is removed (Cluster Autoscaler
   * `--scale-down-unneeded-time` and this library's Karpenter `consolidateAfter`: both 10 minutes).
   * @default Duration.minutes(10)
   */
  readonly nodeScaleDownDelay?: Duration;
  /** Time step of the traffic simulation (1 s to 1 h). @default Duration.minutes(1) */
  readonly simulationStep?: Duration;
  /**
   * Traffic of endpoints that declare none.
   * @default - none: such endpoints are reported with their bounds only (min and max replicas
   * always on), never with invented traffic
   */
  readonly defaultTraffic?: TrafficProfile;
}

/** One stated assumption, as the cost report prints it. */
export interface AssumptionEntry {
  /** Name of the assumption (the prop of {@link CostAssumptionsProps}). */
  readonly name: string;
  /** The value in use, rendered. */
  readonly value: string;
  /** Where the value comes from, or that it is an unsourced assumption. */
  readonly basis: string;
}

/**
 * The assumptions every cost estimate rests on, stated in the report next to the numbers.
 *
 * ```ts
 * new AiPlatform(app, 'acme', { costAssumptions: new CostAssumptions({ spotDiscount: 0.6 }) });
 * ```
 */
export class CostAssumptions {
  /** The defaults (each one stated in {@link CostAssumptionsProps}). */
  public static defaults(): CostAssumptions {
    return new CostAssumptions();
  }

  public readonly spotDiscount: number;
  public readonly hoursPerMonth: number;
  public readonly targetUtilization: number;
  public readonly stableWindow: Duration;
  public readonly nodeScaleDownDelay: Duration;
  public readonly simulationStep: Duration;
  public readonly defaultTraffic?: TrafficProfile;
  /** Whether `spotDiscount` was given (otherwise the unsourced default is in use). */
  public readonly spotDiscountGiven: boolean;

  constructor(props: CostAssumptionsProps = {}) {
    const path = 'CostAssumptions';
    this.spotDiscountGiven = props.spotDiscount !== undefined;
    this.spotDiscount = props.spotDiscount ?? 0.5;
    if (typeof this.spotDiscount !== 'number' || !(this.spotDiscount >= 0 && this.spotDiscount < 1)) {
      throw new ConfigError(path, 'spotDiscount', props.spotDiscount, 'a fraction from 0 (no saving) to below 1, e.g. 0.6 for Spot at 40 % of the On-Demand price');
    }
    this.hoursPerMonth = props.hoursPerMonth ?? 730;
    if (typeof this.hoursPerMonth !== 'number' || !(this.hoursPerMonth > 0 && this.hoursPerMonth <= 744)) {
      throw new ConfigError(path, 'hoursPerMonth', props.hoursPerMonth, 'hours in a month, more than 0 and at most 744 (31 days), e.g. 730');
    }
    this.targetUtilization = props.targetUtilization ?? 0.7;
    if (typeof this.targetUtilization !== 'number' || !(this.targetUtilization > 0 && this.targetUtilization <= 1)) {
      throw new ConfigError(path, 'targetUtilization', props.targetUtilization, 'a fraction above 0 and at most 1, e.g. 0.7 (Knative default)');
    }
    this.stableWindow = props.stableWindow ?? Duration.seconds(60);
    this.nodeScaleDownDelay = props.nodeScaleDownDelay ?? Duration.minutes(10);
    this.simulationStep = props.simulationStep ?? Duration.minutes(1);
    const step = this.simulationStep.toSeconds();
    if (step < 1 || step > 3600) {
      throw new ConfigError(path, 'simulationStep', this.simulationStep.toString(), 'a step from 1 second to 1 hour, e.g. Duration.minutes(1)');
    }
    this.defaultTraffic = props.defaultTraffic;
  }

  /** Spot price per hour under these assumptions for an On-Demand price. */
  public spotPrice(onDemandUsdPerHour: number): number {
    return onDemandUsdPerHour * (1 - this.spotDiscount);
  }

  /** Every assumption with its value and basis, for the report. */
  public describe(): AssumptionEntry[] {
    const pct = (x: number) => `${round(x * 100, 2)} %`;
    return [
      {
        name: 'spotDiscount',
        value: `${pct(this.spotDiscount)} off On-Demand (Spot = On-Demand × ${round(1 - this.spotDiscount, 4)})`,
        basis: this.spotDiscountGiven
          ? 'given by the program (not checked against Spot price history)'
          : 'ASSUMED default, not sourced: AWS publishes no typical GPU Spot discount, and Spot prices change hourly per zone (none recorded in the price data read 2026-11-29); set costAssumptions.spotDiscount',
      },
      { name: 'hoursPerMonth', value: String(this.hoursPerMonth), basis: '8,760 hours a year / 12' },
      { name: 'targetUtilization', value: pct(this.targetUtilization), basis: 'Knative Serving default target-utilization-percentage (70)' },
      { name: 'stableWindow', value: this.stableWindow.toString(), basis: 'Knative Serving default stable window (60 s), added to each endpoint\'s scale-down delay' },
      {
        name: 'nodeScaleDownDelay',
        value: this.nodeScaleDownDelay.toString(),
        basis: 'Cluster Autoscaler --scale-down-unneeded-time default and this library\'s Karpenter consolidateAfter (10 minutes)',
      },
      { name: 'simulationStep', value: this.simulationStep.toString(), basis: 'resolution of the traffic simulation (peak traffic within a step sizes the step)' },
      {
        name: 'defaultTraffic',
        value: this.defaultTraffic ? this.defaultTraffic.toString() : 'none',
        basis: this.defaultTraffic ? 'given by the program' : 'endpoints without a traffic profile are reported with bounds only',
      },
    ];
  }
}

/** `value` rounded to `digits` decimals. @internal */
export function round(value: number, digits: number = 2): number {
  const f = 10 ** digits;
  return Math.round((value + Number.EPSILON) * f) / f;
}
