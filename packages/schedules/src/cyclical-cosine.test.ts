import { describe, expect, it } from 'vitest';
import { cyclicalCosine } from './cyclical-cosine';

// Reference values: _get_cyclical_cosine_schedule_with_min_lr_lambda in Python, w=10, L=100, m=0.1.
const REFERENCE: Array<[number, number]> = [
  [0, 0],
  [5, 0.5],
  [10, 1],
  [55, 0.55],
  [100, 1e-7],
  [101, 1e-7],
  [102, 0.2],
  [105, 0.5],
];

describe('cyclicalCosine', () => {
  const lr = cyclicalCosine({ warmupSteps: 10, cycleLength: 100 });

  it.each(REFERENCE)('matches the reference at step %i', (step, expected) => {
    expect(lr(step)).toBeCloseTo(expected, 12);
  });

  it('decays to the floor at the end of each cycle', () => {
    expect(lr(99)).toBeGreaterThan(0.1);
    expect(lr(99)).toBeLessThan(0.11);
    expect(lr(199)).toBeCloseTo(lr(99), 12);
  });

  it('defaults the cycle to numTrainingSteps', () => {
    const one = cyclicalCosine({ warmupSteps: 10, numTrainingSteps: 100 });
    expect(one(55)).toBeCloseTo(0.55, 12);
  });

  it('validates its options', () => {
    expect(() => cyclicalCosine({ warmupSteps: 10 })).toThrow(
      /specify cycleLength or numTrainingSteps/,
    );
    expect(() =>
      cyclicalCosine({ warmupSteps: 10, cycleLength: 30, numTrainingSteps: 100 }),
    ).toThrow(/numTrainingSteps \(100\) must be divisible by cycleLength \(30\)/);
    expect(() => cyclicalCosine({ warmupSteps: 10, cycleLength: 100, minLrRatio: 0 })).toThrow(
      /minLrRatio/,
    );
    expect(() => cyclicalCosine({ warmupSteps: -2, cycleLength: 100 })).toThrow(/warmupSteps/);
  });
});
