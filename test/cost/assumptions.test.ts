import { Duration } from '../../lib/core/duration';
import { ConfigError } from '../../lib/core/errors';
import { CostAssumptions } from '../../lib/cost/assumptions';
import { TrafficProfile } from '../../lib/cost/traffic';

describe('CostAssumptions', () => {
  test('defaults: 730 h, Knative target utilisation and stable window, 10 min node scale-down, 1 min step, 50 % spot (stated as unsourced)', () => {
    const a = CostAssumptions.defaults();
    expect(a.hoursPerMonth).toBe(730);
    expect(a.targetUtilization).toBe(0.7);
    expect(a.stableWindow.toSeconds()).toBe(60);
    expect(a.nodeScaleDownDelay.toMinutes()).toBe(10);
    expect(a.simulationStep.toSeconds()).toBe(60);
    expect(a.spotDiscount).toBe(0.5);
    expect(a.spotPrice(2)).toBe(1);
    const spot = a.describe().find((d) => d.name === 'spotDiscount')!;
    expect(spot.basis).toMatch(/ASSUMED default, not sourced/);
    expect(a.describe().map((d) => d.name)).toEqual(['spotDiscount', 'hoursPerMonth', 'targetUtilization', 'stableWindow', 'nodeScaleDownDelay', 'simulationStep', 'defaultTraffic']);
  });

  test('a given spot discount and default traffic are stated as given', () => {
    const a = new CostAssumptions({ spotDiscount: 0.6, defaultTraffic: TrafficProfile.constant(3) });
    expect(a.spotPrice(10)).toBeCloseTo(4, 10);
    expect(a.describe().find((d) => d.name === 'spotDiscount')!.basis).toMatch(/given by the program/);
    expect(a.describe().find((d) => d.name === 'defaultTraffic')!.value).toBe('constant 3 rps (peak 3 rps, mean 3 rps)');
  });

  test.each([
    ['spotDiscount', { spotDiscount: 1 }],
    ['spotDiscount', { spotDiscount: -0.1 }],
    ['hoursPerMonth', { hoursPerMonth: 0 }],
    ['hoursPerMonth', { hoursPerMonth: 800 }],
    ['targetUtilization', { targetUtilization: 0 }],
    ['targetUtilization', { targetUtilization: 1.2 }],
    ['simulationStep', { simulationStep: Duration.millis(500) }],
    ['simulationStep', { simulationStep: Duration.hours(2) }],
  ])('throws when %s is out of range (%j)', (field, props) => {
    expect(() => new CostAssumptions(props as any)).toThrow(ConfigError);
    expect(() => new CostAssumptions(props as any)).toThrow(new RegExp(`invalid ${field}`));
  });
});
