// Cyclical cosine with warmup in every cycle (reference `cosine`, `get_cyclical_cosine_schedule_with_min_lr`).

import { cosineWithFloor } from './cosine-with-floor';
import { SCHEDULE_DEFAULTS } from './defaults';
import type { Schedule } from './types';
import { checkStep, requireInteger, requireMinLrRatio } from './validate';

/** Options of {@link cyclicalCosine}. */
export interface CyclicalCosineOptions {
  /** Linear warmup at the start of every cycle, in steps (reference `warmup_steps`). */
  warmupSteps: number;
  /** Cycle length in steps (reference `cycle_length`). Default: `numTrainingSteps` (one cycle). */
  cycleLength?: number;
  /** Total update steps; when given with `cycleLength` it must be a multiple of it. */
  numTrainingSteps?: number;
  /** Floor of the cosine, in (0, 1]. Default 0.1. */
  minLrRatio?: number;
}

const NAME = 'cyclicalCosine';

/**
 * Each cycle warms up linearly over `warmupSteps`, then follows a cosine from 1 to `minLrRatio`.
 * As in the reference, the first two steps of every cycle after the first return 1e-7, not 0.
 *
 * @example
 * const lr = cyclicalCosine({ warmupSteps: 10, cycleLength: 100 });
 * lr(10); // 1
 */
export function cyclicalCosine(options: CyclicalCosineOptions): Schedule {
  const warmup = requireInteger(NAME, 'warmupSteps', options.warmupSteps, 0);
  if (options.cycleLength === undefined && options.numTrainingSteps === undefined) {
    throw new RangeError(`${NAME}: specify cycleLength or numTrainingSteps`);
  }
  const cycle = requireInteger(
    NAME,
    'cycleLength',
    options.cycleLength ?? options.numTrainingSteps,
    1,
  );
  if (options.numTrainingSteps !== undefined) {
    const total = requireInteger(NAME, 'numTrainingSteps', options.numTrainingSteps, 1);
    if (total % cycle !== 0) {
      throw new RangeError(
        `${NAME}: numTrainingSteps (${total}) must be divisible by cycleLength (${cycle})`,
      );
    }
  }
  const minLrRatio = requireMinLrRatio(NAME, options.minLrRatio ?? SCHEDULE_DEFAULTS.minLrRatio);

  return (step: number): number => {
    checkStep(NAME, step);
    const inCycle = step % cycle;
    if (inCycle < warmup) {
      // reference quirk: a tiny positive LR, not 0, right after a cycle boundary
      if (step !== inCycle && inCycle < 2) return 1e-7;
      return inCycle / Math.max(1, warmup);
    }
    const progress = (inCycle - warmup) / Math.max(1, cycle - warmup);
    return cosineWithFloor(progress, minLrRatio);
  };
}
