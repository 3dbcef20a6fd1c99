// The jagged cosine of ReLoRA (reference `cosine_restarts`): one global cosine, re-warmed at each restart.

import { cosineWithFloor } from './cosine-with-floor';
import { SCHEDULE_DEFAULTS } from './defaults';
import type { Schedule } from './types';
import { checkStep, requireInteger, requireMinLrRatio } from './validate';

/** Options of {@link cosineRestarts}; names follow `get_cosine_schedule_with_multiple_warmups`. */
export interface CosineRestartsOptions {
  /** Total update steps of the schedule, N (reference `num_training_steps`). Multiple of `restartEvery`. */
  numTrainingSteps: number;
  /** Linear warmup at the start, in steps (reference `warmup_steps`). */
  firstWarmupSteps: number;
  /** Linear re-warmup after each restart, in steps (reference `restart_warmup_steps`). */
  restartWarmupSteps: number;
  /** Restart period in steps, R (reference `cycle_length`). Set it equal to the ReLoRA period. */
  restartEvery: number;
  /** Floor of the cosine, in (0, 1]. Default 0.1. */
  minLrRatio?: number;
  /**
   * Shift of the schedule in steps (reference `adjust_step`), for a run resumed from a warmed-up
   * checkpoint whose warmup is not a multiple of the restart period. Default 0.
   */
  adjustStep?: number;
}

const NAME = 'cosineRestarts';

/**
 * Jagged cosine schedule: linear warmup over `firstWarmupSteps`, then a cosine from 1 down to
 * `minLrRatio` over the whole run; every `restartEvery` steps the multiplier falls to 0 and warms up
 * linearly over `restartWarmupSteps` to the value the cosine has at the end of that warmup
 * (ReLoRA paper, Section 3). Value for value as the reference's
 * `get_cosine_schedule_with_multiple_warmups`; its assertions are thrown here, at construction.
 *
 * @example
 * const lr = cosineRestarts({ numTrainingSteps: 1000, firstWarmupSteps: 50, restartWarmupSteps: 20, restartEvery: 250 });
 * lr(250); // 0: a restart
 */
export function cosineRestarts(options: CosineRestartsOptions): Schedule {
  const total = requireInteger(NAME, 'numTrainingSteps', options.numTrainingSteps, 1);
  const firstWarmup = requireInteger(NAME, 'firstWarmupSteps', options.firstWarmupSteps, 0);
  if (options.restartWarmupSteps === undefined || options.restartWarmupSteps === null) {
    throw new RangeError(`${NAME}: restartWarmupSteps must be specified`);
  }
  const restartWarmup = requireInteger(NAME, 'restartWarmupSteps', options.restartWarmupSteps, 0);
  if (options.restartEvery === undefined || options.restartEvery === null) {
    throw new RangeError(`${NAME}: restartEvery must be specified`);
  }
  const every = requireInteger(NAME, 'restartEvery', options.restartEvery, 1);
  const minLrRatio = requireMinLrRatio(NAME, options.minLrRatio ?? SCHEDULE_DEFAULTS.minLrRatio);
  const adjust = requireInteger(
    NAME,
    'adjustStep',
    options.adjustStep ?? SCHEDULE_DEFAULTS.adjustStep,
    0,
  );
  if (total % every !== 0) {
    throw new RangeError(
      `${NAME}: numTrainingSteps (${total}) must be divisible by restartEvery (${every})`,
    );
  }
  if (adjust + firstWarmup > total) {
    throw new RangeError(
      `${NAME}: adjustStep + firstWarmupSteps (${adjust} + ${firstWarmup}) is more than numTrainingSteps (${total})`,
    );
  }
  if (adjust + firstWarmup > every) {
    throw new RangeError(
      `${NAME}: adjustStep + firstWarmupSteps (${adjust} + ${firstWarmup}) is more than restartEvery (${every}): the first restart would come before the warmup is done`,
    );
  }
  const decaySteps = Math.max(1, total - firstWarmup);

  return (step: number): number => {
    checkStep(NAME, step);
    // 1) first warmup, not shifted
    if (step < firstWarmup) return step / Math.max(1, firstWarmup);
    const shifted = step + adjust;
    const inCycle = shifted % every;
    const cycle = Math.floor(shifted / every);
    // 2) restart warmup: from 0 up to where the global cosine will be when it ends
    if (inCycle < restartWarmup && step >= every) {
      const endOfWarmup = (cycle * every + restartWarmup - firstWarmup) / decaySteps;
      return (inCycle / Math.max(1, restartWarmup)) * cosineWithFloor(endOfWarmup, minLrRatio);
    }
    // 3) the global cosine
    return cosineWithFloor((shifted - firstWarmup) / decaySteps, minLrRatio);
  };
}
