import { describe, expect, it } from 'vitest';
import { resolveScheduleOptions } from './options';
import { switchInterval, switchRate, switchReplaceCount } from './schedule';

const options = (extra = {}) => resolveScheduleOptions('test', { totalSteps: 1000, ...extra });

describe('switch schedule', () => {
  it('triples the interval every rho · totalSteps steps from I0 = 40 (official defaults)', () => {
    const o = options();
    expect(switchInterval(-1, o)).toBeCloseTo(40, 12);
    expect(switchInterval(99, o)).toBeCloseTo(40 / 0.3, 9);
    expect(switchInterval(199, o)).toBeCloseTo(40 / 0.09, 9);
    expect(switchInterval(0, o)).toBeCloseTo(40 / 0.3 ** 0.01, 12);
    expect(switchRate(1e9, 100, 'exponential')).toBe(1e-8);
    expect(switchInterval(500, options({ fixSwitchLoraInterval: true }))).toBe(40);
    // 'Z': a logistic drop centred on rho · totalSteps.
    expect(switchRate(100, 100, 'Z')).toBeCloseTo(0.5, 12);
    expect(switchRate(0, 100, 'Z')).toBeCloseTo(1 - 1 / (1 + Math.exp(10)), 12);
  });

  it('rounds r / I(t) stochastically: the floor, plus one with the fraction as probability', () => {
    const o = options();
    const expected = 128 / switchInterval(0, o); // 3.16...
    expect(switchReplaceCount(128, 0, o, () => 0.1)).toBe(4);
    expect(switchReplaceCount(128, 0, o, () => 0.2)).toBe(3);
    let sum = 0;
    let u = 0;
    // A low-discrepancy sequence, so the mean of 1000 counts is within 0.005 of r / I(t).
    const next = () => {
      u = (u + 0.618034) % 1;
      return u;
    };
    for (let i = 0; i < 1000; i++) sum += switchReplaceCount(128, 0, o, next);
    expect(sum / 1000).toBeCloseTo(expected, 2);
  });

  it('refuses an interval below 2 · adamWarmStep, and bad options, in one line', () => {
    expect(() => switchReplaceCount(8, 0, options({ switchLoraInterval: 9 }), () => 0)).toThrow(
      /switch interval 9\.\d+ at step 0 is below 2 \* adamWarmStep = 10/,
    );
    expect(
      switchReplaceCount(8, 0, options({ switchLoraInterval: 1, adamWarmStep: -1 }), () => 0.999),
    ).toBe(7);
    expect(() => options({ adamWarmStep: 0 })).toThrow(
      /adamWarmStep must be an integer >= 1, or -1/,
    );
    expect(() => resolveScheduleOptions('test', { totalSteps: 0 })).toThrow(
      /totalSteps must be a positive integer, got 0/,
    );
  });
});
