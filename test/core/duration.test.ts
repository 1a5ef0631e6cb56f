import { Token } from 'cdktf';
import { Duration } from '../../lib/core/duration';
import { ConfigError } from '../../lib/core/errors';

describe('Duration factories and conversions', () => {
  test('converts between units', () => {
    expect(Duration.seconds(90).toMilliseconds()).toBe(90_000);
    expect(Duration.minutes(10).toSeconds()).toBe(600);
    expect(Duration.hours(2).toMinutes()).toBe(120);
    expect(Duration.days(1).toHours()).toBe(24);
    expect(Duration.hours(36).toDays()).toBe(1.5);
    expect(Duration.millis(1500).toSeconds()).toBe(1.5);
  });

  test('removes floating-point noise from whole results', () => {
    expect(Duration.minutes(0.1).toSeconds({ integral: true })).toBe(6);
    expect(Duration.seconds(0.3).toMilliseconds({ integral: true })).toBe(300);
  });

  test('returns fractional results unless integral is asked for', () => {
    expect(Duration.seconds(90).toMinutes()).toBe(1.5);
    expect(Duration.seconds(90).toMinutes({ integral: false })).toBe(1.5);
  });

  test('throws when integral is asked for and the result is fractional', () => {
    const call = () => Duration.seconds(90).toMinutes({ integral: true });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow('-: invalid duration: received "1 minute 30 seconds"; expected a whole number of minutes');
  });

  test('accepts zero', () => {
    expect(Duration.seconds(0).toSeconds()).toBe(0);
  });

  test.each([
    ['seconds', Duration.seconds, -1, 'a non-negative, finite number of seconds'],
    ['minutes', Duration.minutes, NaN, 'a non-negative, finite number of minutes'],
    ['hours', Duration.hours, Infinity, 'a non-negative, finite number of hours'],
    ['days', Duration.days, -0.5, 'a non-negative, finite number of days'],
    ['millis', Duration.millis, -Infinity, 'a non-negative, finite number of milliseconds'],
  ])('throws when Duration.%s gets %p', (_unit, factory, amount, hint) => {
    const call = () => factory(amount as number);
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(`-: invalid duration: received ${amount}; expected ${hint}`);
  });

  test('throws when the amount overflows to infinity', () => {
    const call = () => Duration.days(Number.MAX_VALUE);
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(`-: invalid duration: received ${Number.MAX_VALUE}; expected a non-negative, finite number of days`);
  });

  test('throws when the amount is an unresolved token', () => {
    const call = () => Duration.minutes(Token.asNumber({ Ref: 'x' }));
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(/-: invalid duration: received .+; expected a concrete number of minutes: a Duration cannot hold an unresolved token/);
  });
});

describe('Duration.parse', () => {
  test.each([
    ['90s', 90],
    ['10m', 600],
    ['1h', 3600],
    ['2h30m', 9000],
    ['1d', 86_400],
    ['1d2h3m4s', 93_784],
    ['1.5h', 5400],
    ['500ms', 0.5],
    ['1m30s250ms', 90.25],
    ['0s', 0],
  ])('parses %j as %p seconds', (text, seconds) => {
    expect(Duration.parse(text).toSeconds()).toBe(seconds);
  });

  test.each(['', '10', 'm', '10x', '-5m', '1m1h', '10 m', ' 10m', '1h1h', 'PT10M', '1.m'])('throws when the text is %j', (text) => {
    const call = () => Duration.parse(text);
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(`-: invalid duration: received ${JSON.stringify(text)}; expected a duration such as "90s", "10m", "1h", "2h30m" or "1d"`);
  });
});

describe('Duration formatting', () => {
  test.each([
    [Duration.seconds(0), '0s', 'PT0S', '0 seconds'],
    [Duration.seconds(90), '90s', 'PT1M30S', '1 minute 30 seconds'],
    [Duration.seconds(600), '10m', 'PT10M', '10 minutes'],
    [Duration.seconds(5400), '90m', 'PT1H30M', '1 hour 30 minutes'],
    [Duration.hours(1), '1h', 'PT1H', '1 hour'],
    [Duration.days(1), '24h', 'P1D', '1 day'],
    [Duration.hours(36), '36h', 'P1DT12H', '1 day 12 hours'],
    [Duration.seconds(1.5), '1500ms', 'PT1.5S', '1 second 500 milliseconds'],
    [Duration.millis(0.5), '0.5ms', 'PT0.0005S', '0.5 milliseconds'],
    [Duration.parse('1d2h3m4s5ms'), '93784005ms', 'P1DT2H3M4.005S', '1 day 2 hours 3 minutes 4 seconds 5 milliseconds'],
  ])('formats %s', (duration, kubernetes, iso, human) => {
    expect(duration.toKubernetes()).toBe(kubernetes);
    expect(duration.toIsoString()).toBe(iso);
    expect(duration.toString()).toBe(human);
  });

  test.each([0, 0.5, 1, 59, 60, 90, 3600, 5400, 86_400, 93_784.005])('toKubernetes() of %p seconds parses back', (seconds) => {
    const duration = Duration.seconds(seconds);
    expect(Duration.parse(duration.toKubernetes()).toMilliseconds()).toBe(duration.toMilliseconds());
  });
});

describe('Duration arithmetic and comparison', () => {
  test('plus adds durations without changing either', () => {
    const a = Duration.minutes(1);
    const b = Duration.seconds(30);
    expect(a.plus(b).toSeconds()).toBe(90);
    expect(a.toSeconds()).toBe(60);
    expect(b.toSeconds()).toBe(30);
  });

  test('isLongerThan is strict', () => {
    expect(Duration.minutes(2).isLongerThan(Duration.seconds(119))).toBe(true);
    expect(Duration.minutes(2).isLongerThan(Duration.seconds(120))).toBe(false);
    expect(Duration.seconds(1).isLongerThan(Duration.minutes(1))).toBe(false);
  });
});
