import { round } from './assumptions';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';

/**
 * Requests per second over a representative period (a day, a week, or a recorded trace), repeated
 * to fill a month. The traffic simulation of {@link estimateEndpointCost} turns it into replicas
 * and nodes over time.
 *
 * ```ts
 * TrafficProfile.hourly([0, 0, 0, 0, 0, 0, 2, 8, 20, 30, 30, 25, 20, 25, 30, 30, 25, 15, 8, 4, 2, 1, 0, 0]);
 * TrafficProfile.trace(samplesPerMinute, Duration.minutes(1));
 * ```
 */
export class TrafficProfile {
  /** The same rate all the time. */
  public static constant(rps: number): TrafficProfile {
    return new TrafficProfile('constant', [rps], 3600, `constant ${fmt(rps)} rps`);
  }

  /**
   * Requests per second for each hour of a day (24 values, hour 0 first) or of a week (168 values,
   * Monday 00:00 first), constant within each hour, repeated all month.
   */
  public static hourly(rps: number[]): TrafficProfile {
    if (!Array.isArray(rps) || (rps.length !== 24 && rps.length !== 168)) {
      throw new ConfigError('TrafficProfile.hourly', 'rps', Array.isArray(rps) ? `${rps.length} values` : rps, '24 values (one per hour of the day) or 168 values (one per hour of the week)');
    }
    return new TrafficProfile(rps.length === 24 ? 'daily' : 'weekly', rps, 3600, `${rps.length === 24 ? 'daily' : 'weekly'} hourly profile`);
  }

  /**
   * A recorded trace: one requests-per-second sample per `interval` (at least 1 second), taken as
   * representative of the month (repeated to fill it).
   */
  public static trace(rps: number[], interval: Duration): TrafficProfile {
    const seconds = interval.toSeconds();
    if (!(seconds >= 1)) {
      throw new ConfigError('TrafficProfile.trace', 'interval', interval.toString(), 'at least 1 second between samples');
    }
    if (!Array.isArray(rps) || rps.length === 0) {
      throw new ConfigError('TrafficProfile.trace', 'rps', rps, 'at least one sample');
    }
    return new TrafficProfile('trace', rps, seconds, `trace of ${rps.length} samples every ${interval.toString()}`);
  }

  /** `constant`, `daily`, `weekly` or `trace`. */
  public readonly kind: string;
  /** Length of the period the profile repeats, seconds. */
  public readonly periodSeconds: number;
  /** Highest rate, requests per second. */
  public readonly peakRps: number;
  /** Mean rate over the period, requests per second. */
  public readonly meanRps: number;
  private readonly samples: number[];
  private readonly intervalSeconds: number;
  private readonly label: string;

  private constructor(kind: string, samples: number[], intervalSeconds: number, label: string) {
    samples.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new ConfigError(`TrafficProfile.${kind === 'daily' || kind === 'weekly' ? 'hourly' : kind}`, `rps[${i}]`, v, 'a finite number of requests per second ≥ 0');
      }
    });
    this.kind = kind;
    this.samples = [...samples];
    this.intervalSeconds = intervalSeconds;
    this.periodSeconds = samples.length * intervalSeconds;
    this.peakRps = Math.max(...samples);
    this.meanRps = samples.reduce((a, b) => a + b, 0) / samples.length;
    this.label = label;
  }

  /** The highest rate in `[startSeconds, endSeconds)` of the period (times taken modulo the period). */
  public peakBetween(startSeconds: number, endSeconds: number): number {
    const first = Math.floor(startSeconds / this.intervalSeconds);
    const last = Math.max(first, Math.ceil(endSeconds / this.intervalSeconds) - 1);
    let peak = 0;
    for (let i = first; i <= last; i++) {
      const v = this.samples[((i % this.samples.length) + this.samples.length) % this.samples.length];
      if (v > peak) peak = v;
    }
    return peak;
  }

  /** e.g. `daily hourly profile (peak 30 rps, mean 9.2 rps)`. */
  public toString(): string {
    return `${this.label} (peak ${fmt(this.peakRps)} rps, mean ${fmt(this.meanRps)} rps)`;
  }
}

function fmt(x: number): string {
  return String(round(x, 2));
}
