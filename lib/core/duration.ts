import { Token } from 'cdktf';
import { ConfigError } from './errors';

const MILLI = 1;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const NUMBER = '(\\d+(?:\\.\\d+)?)';
/** `1d2h30m15s500ms`: every unit optional, in this order. */
const DURATION_PATTERN = new RegExp(`^(?:${NUMBER}d)?(?:${NUMBER}h)?(?:${NUMBER}m)?(?:${NUMBER}s)?(?:${NUMBER}ms)?$`);
const PATTERN_UNITS = [DAY, HOUR, MINUTE, SECOND, MILLI];

/** Options for converting a {@link Duration} to a number. */
export interface TimeConversionOptions {
  /**
   * Throw a ConfigError when the duration is not a whole number of the target unit.
   *
   * @default false - fractional results are returned as is
   */
  readonly integral?: boolean;
}

/**
 * An immutable, non-negative length of time, e.g. a scale-down delay or a checkpoint interval.
 *
 * ```ts
 * Duration.minutes(10).toKubernetes(); // '10m'
 * Duration.parse('2h30m').toIsoString(); // 'PT2H30M'
 * ```
 */
export class Duration {
  /** A duration of `amount` milliseconds (a non-negative, finite number). */
  public static millis(amount: number): Duration {
    return new Duration(amount, MILLI, 'milliseconds');
  }

  /** A duration of `amount` seconds (a non-negative, finite number). */
  public static seconds(amount: number): Duration {
    return new Duration(amount, SECOND, 'seconds');
  }

  /** A duration of `amount` minutes (a non-negative, finite number). */
  public static minutes(amount: number): Duration {
    return new Duration(amount, MINUTE, 'minutes');
  }

  /** A duration of `amount` hours (a non-negative, finite number). */
  public static hours(amount: number): Duration {
    return new Duration(amount, HOUR, 'hours');
  }

  /** A duration of `amount` days of 24 hours (a non-negative, finite number). */
  public static days(amount: number): Duration {
    return new Duration(amount, DAY, 'days');
  }

  /**
   * Parse a compact duration: numbers followed by `d`, `h`, `m`, `s` or `ms`, each unit at most once
   * and in that order, e.g. `90s`, `10m`, `1h`, `2h30m`, `1d`, `1.5h`, `500ms`. Every string
   * returned by {@link toKubernetes} parses back to the same duration.
   *
   * @throws ConfigError when the text is not such a duration
   */
  public static parse(text: string): Duration {
    const match = typeof text === 'string' ? DURATION_PATTERN.exec(text) : null;
    if (match === null || text === '') {
      throw new ConfigError('-', 'duration', text,
        'a duration such as "90s", "10m", "1h", "2h30m" or "1d": numbers followed by the units d, h, m, s or ms, in that order');
    }
    const total = PATTERN_UNITS.reduce((sum, unit, i) => sum + (match[i + 1] === undefined ? 0 : Number(match[i + 1]) * unit), 0);
    return new Duration(total, MILLI, 'milliseconds');
  }

  /** Length in milliseconds; may be fractional. */
  private readonly ms: number;

  private constructor(amount: number, unit: number, unitName: string) {
    if (Token.isUnresolved(amount)) {
      throw new ConfigError('-', 'duration', amount, `a concrete number of ${unitName}: a Duration cannot hold an unresolved token`);
    }
    const ms = amount * unit;
    if (typeof amount !== 'number' || !Number.isFinite(ms) || amount < 0) {
      throw new ConfigError('-', 'duration', amount, `a non-negative, finite number of ${unitName}`);
    }
    this.ms = ms;
  }

  /** This duration in milliseconds. */
  public toMilliseconds(options: TimeConversionOptions = {}): number {
    return this.convert(MILLI, 'milliseconds', options);
  }

  /** This duration in seconds. */
  public toSeconds(options: TimeConversionOptions = {}): number {
    return this.convert(SECOND, 'seconds', options);
  }

  /** This duration in minutes. */
  public toMinutes(options: TimeConversionOptions = {}): number {
    return this.convert(MINUTE, 'minutes', options);
  }

  /** This duration in hours. */
  public toHours(options: TimeConversionOptions = {}): number {
    return this.convert(HOUR, 'hours', options);
  }

  /** This duration in days of 24 hours. */
  public toDays(options: TimeConversionOptions = {}): number {
    return this.convert(DAY, 'days', options);
  }

  /**
   * A Go / Kubernetes duration string (`metav1.Duration`) in the largest of `h`, `m`, `s` and `ms`
   * that holds it as a whole number: `90s`, `10m`, `90m`, `1h`, `24h`, `500ms`; zero is `0s`.
   */
  public toKubernetes(): string {
    if (this.ms === 0) return '0s';
    for (const [unit, suffix] of [[HOUR, 'h'], [MINUTE, 'm'], [SECOND, 's']] as const) {
      const n = whole(this.ms / unit);
      if (n !== undefined) return `${n}${suffix}`;
    }
    return `${format(this.ms)}ms`;
  }

  /** An ISO 8601 duration: `PT10M`, `PT1H30M`, `P1DT12H`, `PT1.5S`; zero is `PT0S`. */
  public toIsoString(): string {
    const [days, hours, minutes, seconds, millis] = this.components();
    const time = [[hours, 'H'], [minutes, 'M'], [seconds + millis / SECOND, 'S']]
      .filter(([n]) => n !== 0)
      .map(([n, unit]) => `${format(n as number)}${unit}`)
      .join('');
    if (days === 0 && time === '') return 'PT0S';
    return `P${days === 0 ? '' : `${days}D`}${time === '' ? '' : `T${time}`}`;
  }

  /** Human form: `1 hour 30 minutes`, `1 day`, `500 milliseconds`, `0 seconds`. */
  public toString(): string {
    const names = ['day', 'hour', 'minute', 'second', 'millisecond'];
    const words = this.components()
      .map((n, i) => (n === 0 ? '' : `${format(n)} ${names[i]}${n === 1 ? '' : 's'}`))
      .filter((word) => word !== '');
    return words.length === 0 ? '0 seconds' : words.join(' ');
  }

  /** The sum of this duration and `other`. */
  public plus(other: Duration): Duration {
    return new Duration(this.ms + other.ms, MILLI, 'milliseconds');
  }

  /** Whether this duration is strictly longer than `other`. */
  public isLongerThan(other: Duration): boolean {
    return this.ms > other.ms;
  }

  private convert(unit: number, unitName: string, options: TimeConversionOptions): number {
    const value = this.ms / unit;
    const n = whole(value);
    if (n !== undefined) return n;
    if (options.integral) {
      throw new ConfigError('-', 'duration', this.toString(), `a whole number of ${unitName}`);
    }
    return value;
  }

  /** Whole days, hours, minutes and seconds, then the remaining (possibly fractional) milliseconds. */
  private components(): number[] {
    let rest = whole(this.ms) ?? this.ms;
    const counts = [DAY, HOUR, MINUTE, SECOND].map((unit) => {
      const n = Math.floor(rest / unit);
      rest -= n * unit;
      return n;
    });
    return [...counts, whole(rest) ?? rest];
  }
}

/** `value` rounded when it is a whole number up to floating-point noise, else `undefined`. */
function whole(value: number): number | undefined {
  const n = Math.round(value);
  return Math.abs(value - n) <= 1e-9 * Math.max(1, Math.abs(value)) ? n : undefined;
}

/** A number without floating-point noise: at most 6 decimals. */
function format(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}
