import { describe, expect, it } from 'vitest';
import { constant } from './constant';
import { linear } from './linear';

describe('linear', () => {
  const lr = linear({ warmupSteps: 10, numTrainingSteps: 110 });

  it('warms up, then decays linearly to zero', () => {
    expect(lr(0)).toBe(0);
    expect(lr(5)).toBe(0.5);
    expect(lr(10)).toBe(1);
    expect(lr(60)).toBe(0.5);
    expect(lr(110)).toBe(0);
    expect(lr(200)).toBe(0);
  });

  it('validates its options', () => {
    expect(() => linear({ warmupSteps: 20, numTrainingSteps: 10 })).toThrow(/warmupSteps \(20\)/);
    expect(() => linear({ warmupSteps: 0, numTrainingSteps: 0 })).toThrow(/numTrainingSteps/);
  });
});

describe('constant', () => {
  it('warms up, then stays at 1', () => {
    const lr = constant({ warmupSteps: 4 });
    expect([0, 1, 2, 3, 4, 1000].map(lr)).toEqual([0, 0.25, 0.5, 0.75, 1, 1]);
    expect(constant()(0)).toBe(1);
  });

  it('validates its options', () => {
    expect(() => constant({ warmupSteps: 1.5 })).toThrow(/warmupSteps must be an integer/);
  });
});
