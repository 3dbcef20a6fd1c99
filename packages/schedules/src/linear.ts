// Linear warmup then linear decay to 0 (reference `linear`: transformers' get_linear_schedule_with_warmup).
import type { Schedule } from './types';
import { checkStep, requireInteger } from './validate';

/** Options of {@link linear}. */
export interface LinearOptions {
  /** Linear warmup from 0 to 1, in steps. */
  warmupSteps: number;
  /** Step at which the multiplier reaches 0. */
  numTrainingSteps: number;
}

const NAME = 'linear';

/**
 * Rises linearly from 0 to 1 over `warmupSteps`, then falls linearly to 0 at `numTrainingSteps`
 * (and stays at 0 after it).
 *
 * @example
 * linear({ warmupSteps: 10, numTrainingSteps: 110 })(60); // 0.5
 */
export function linear(options: LinearOptions): Schedule {
  const warmup = requireInteger(NAME, 'warmupSteps', options.warmupSteps, 0);
  const total = requireInteger(NAME, 'numTrainingSteps', options.numTrainingSteps, 1);
  if (warmup > total) {
    throw new RangeError(
      `${NAME}: warmupSteps (${warmup}) is more than numTrainingSteps (${total})`,
    );
  }
  return (step: number): number => {
    checkStep(NAME, step);
    if (step < warmup) return step / Math.max(1, warmup);
    return Math.max(0, (total - step) / Math.max(1, total - warmup));
  };
}
