import { Duration } from '../../lib/core/duration';
import { ConfigError } from '../../lib/core/errors';
import { TrafficProfile } from '../../lib/cost/traffic';

describe('TrafficProfile', () => {
  test('hourly: a day of 24 values, constant within each hour, cyclic', () => {
    const rps = Array.from({ length: 24 }, (_, h) => h);
    const p = TrafficProfile.hourly(rps);
    expect(p.kind).toBe('daily');
    expect(p.periodSeconds).toBe(86_400);
    expect(p.peakRps).toBe(23);
    expect(p.meanRps).toBe(11.5);
    expect(p.peakBetween(9 * 3600, 9 * 3600 + 60)).toBe(9);
    // A window that spans two hours takes the higher one; times wrap around the period.
    expect(p.peakBetween(9 * 3600 + 3590, 10 * 3600 + 10)).toBe(10);
    expect(p.peakBetween(86_400 + 3600, 86_400 + 3660)).toBe(1);
  });

  test('hourly: a week of 168 values', () => {
    expect(TrafficProfile.hourly(new Array(168).fill(1)).kind).toBe('weekly');
  });

  test('trace: samples at an interval, peak within a step', () => {
    const p = TrafficProfile.trace([1, 5, 2, 0], Duration.seconds(30));
    expect(p.periodSeconds).toBe(120);
    expect(p.peakBetween(0, 60)).toBe(5);
    expect(p.peakBetween(60, 120)).toBe(2);
    expect(p.toString()).toBe('trace of 4 samples every 30 seconds (peak 5 rps, mean 2 rps)');
  });

  test('constant', () => {
    const p = TrafficProfile.constant(4);
    expect(p.peakBetween(123, 456)).toBe(4);
    expect(p.meanRps).toBe(4);
  });

  test('throws when hourly does not get 24 or 168 values', () => {
    expect(() => TrafficProfile.hourly([1, 2, 3])).toThrow(/invalid rps: received "3 values"; expected 24 values/);
  });

  test('throws when a value is negative or not finite', () => {
    expect(() => TrafficProfile.hourly([...new Array(23).fill(0), -1])).toThrow(ConfigError);
    expect(() => TrafficProfile.constant(Number.NaN)).toThrow(/invalid rps\[0\]/);
  });

  test('throws when a trace is empty or its interval is under a second', () => {
    expect(() => TrafficProfile.trace([], Duration.seconds(1))).toThrow(/invalid rps/);
    expect(() => TrafficProfile.trace([1], Duration.millis(100))).toThrow(/invalid interval/);
  });
});
