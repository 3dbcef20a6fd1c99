import { describe, expect, it } from 'vitest';
import { cosineRestarts } from './cosine-restarts';
import { cyclicalCosine } from './cyclical-cosine';
import { describeSchedule } from './describe-schedule';
import { linear } from './linear';

describe('describeSchedule', () => {
  it('samples points and finds the restarts of the jagged cosine', () => {
    const lr = cosineRestarts({
      numTrainingSteps: 1000,
      firstWarmupSteps: 50,
      restartWarmupSteps: 20,
      restartEvery: 250,
    });
    const description = describeSchedule(lr, 1000, { every: 10 });
    expect(description.points).toHaveLength(100);
    expect(description.points[5]).toEqual({ step: 50, multiplier: 1 });
    expect(description.restarts).toEqual([250, 500, 750]);
    expect(description.min).toBe(0);
    expect(description.max).toBe(1);
  });

  it('finds the 1e-7 restarts of the cyclical cosine and none in a linear schedule', () => {
    expect(
      describeSchedule(cyclicalCosine({ warmupSteps: 5, cycleLength: 50 }), 150).restarts,
    ).toEqual([50, 100]);
    expect(describeSchedule(linear({ warmupSteps: 5, numTrainingSteps: 50 }), 50).restarts).toEqual(
      [],
    );
  });

  it('validates its arguments', () => {
    expect(() => describeSchedule(() => 1, -1)).toThrow(/numSteps/);
    expect(() => describeSchedule(() => 1, 10, { every: 0 })).toThrow(/every/);
  });
});
