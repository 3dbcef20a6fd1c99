import { cosineRestarts } from '@relora/schedules';
import { describe, expect, it } from 'vitest';
import { RestartScheduler } from './restart-scheduler';

describe('RestartScheduler', () => {
  it('merges and resets exactly where the jagged cosine falls to zero', () => {
    const lr = cosineRestarts({
      numTrainingSteps: 400,
      firstWarmupSteps: 10,
      restartWarmupSteps: 5,
      restartEvery: 100,
    });
    const restarts = new RestartScheduler({ reloraEvery: 100 });
    const merged: number[] = [];
    for (let step = 0; step < 400; step++) {
      const { merge, resetOptimizer } = restarts.afterStep(step);
      expect(resetOptimizer).toBe(merge);
      expect(merge).toBe(step > 0 && lr(restarts.scheduleStep(step)) === 0);
      if (merge) merged.push(step);
    }
    expect(merged).toEqual([100, 200, 300]);
    expect(restarts.restarts).toBe(3);
    expect(restarts.optimizerResets).toBe(3);
  });

  it('counts from startStep after a full-rank warm start', () => {
    const restarts = new RestartScheduler({ reloraEvery: 50, startStep: 1000 });
    expect(restarts.decide(1000)).toEqual({ merge: false, resetOptimizer: false });
    expect(restarts.decide(1050)).toEqual({ merge: true, resetOptimizer: true });
    expect(restarts.scheduleStep(1050)).toBe(50);
    expect(() => restarts.decide(999)).toThrow(/>= startStep \(1000\)/);
  });

  it('keeps separate merge and reset periods', () => {
    const restarts = new RestartScheduler({ reloraEvery: 10, cycleLength: 20 });
    expect(restarts.decide(10)).toEqual({ merge: true, resetOptimizer: false });
    expect(restarts.decide(20)).toEqual({ merge: true, resetOptimizer: true });
  });

  it('resumes the same cadence from its state', () => {
    const first = new RestartScheduler({ reloraEvery: 10 });
    for (let step = 0; step < 25; step++) first.afterStep(step);
    const saved = JSON.parse(JSON.stringify(first.state()));
    const resumed = RestartScheduler.fromState(saved);
    expect(resumed.restarts).toBe(2);
    expect(() => resumed.afterStep(24)).toThrow(/not after the last step 24/);
    for (let step = 25; step <= 30; step++) resumed.afterStep(step);
    expect(resumed.restarts).toBe(3);
    expect(resumed.state()).toMatchObject({ reloraEvery: 10, cycleLength: 10, lastStep: 30 });
  });

  it('validates its options', () => {
    expect(() => new RestartScheduler({ reloraEvery: 1 })).toThrow(
      /reloraEvery must be an integer >= 2/,
    );
    expect(() => new RestartScheduler({ reloraEvery: 10, cycleLength: 0 })).toThrow(/cycleLength/);
    expect(() => new RestartScheduler({ reloraEvery: 10, startStep: -5 })).toThrow(/startStep/);
    const bad = { ...new RestartScheduler({ reloraEvery: 10 }).state(), restarts: -1 };
    expect(() => RestartScheduler.fromState(bad)).toThrow(/restarts must be an integer >= 0/);
  });
});
