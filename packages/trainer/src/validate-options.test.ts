// Option checks (the reference's rules) and the phase-aware learning rate.
import { describe, expect, it } from 'vitest';
import { learningRateAt } from './lr-schedule';
import { OptionError, resolveTrainerOptions } from './validate-options';

describe('resolveTrainerOptions', () => {
  it('defaults the cycle length to the ReLoRA period and drops restarts outside relora mode', () => {
    expect(resolveTrainerOptions({ relora: 250, numTrainingSteps: 1000 }).cycleLength).toBe(250);
    expect(resolveTrainerOptions({ mode: 'full', scheduler: 'cosine' }).relora).toBeNull();
  });

  it.each([
    [{ numTrainingSteps: 1001 }, 'cycleLength', /divisible by the cycle length/],
    [{ warmupSteps: 600 }, 'warmupSteps', /first reset would come before the warmup ends/],
    [
      { adjustStep: 5, scheduler: 'cosine' as const },
      'adjustStep',
      /only supported with scheduler cosine_restarts/,
    ],
    [{ relora: 1, cycleLength: 2 }, 'relora', /integer >= 2/],
    [{ optimizerMagnitudePruning: 0.9 }, 'resetOptimizerOnRelora', /mutually exclusive/],
    [{ minLrRatio: 0 }, 'minLrRatio', /\(0, 1\]/],
    [
      { optimizerPruningMask: 'both' as 'joint' },
      'optimizerPruningMask',
      /must be independent or joint, got both/,
    ],
    [
      { mode: 'full' as const, warmStartSteps: 10, scheduler: 'cosine' as const },
      'warmStartSteps',
      /needs mode lora or relora/,
    ],
  ])('rejects %j naming %s', (options, option, message) => {
    let error: unknown;
    try {
      resolveTrainerOptions(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).option).toBe(option);
    expect((error as OptionError).message).toMatch(message);
  });
});

describe('learningRateAt', () => {
  it('runs the warm start on its own LR, then restarts the schedule at the switch (scheduler_start_step)', () => {
    const o = resolveTrainerOptions({
      numTrainingSteps: 300,
      warmStartSteps: 100,
      relora: 50,
      warmupSteps: 10,
      restartWarmupSteps: 5,
      lr: 1e-3,
      warmStartLr: 5e-4,
    });
    const lr = learningRateAt(o);
    expect(lr(0)).toBe(0);
    expect(lr(10)).toBeCloseTo(5e-4 * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * 0) / 290))), 12);
    expect(lr(100)).toBe(0); // the LoRA phase warms up from 0
    expect(lr(110)).toBeCloseTo(1e-3, 12);
    expect(lr(150)).toBe(0); // restart: local step 50
    expect(lr(155)).toBeGreaterThan(lr(154));
  });
});
