// Linear warmup then a constant multiplier of 1 (transformers' get_constant_schedule_with_warmup).
import type { Schedule } from './types';
import { checkStep, requireInteger } from './validate';

/** Options of {@link constant}. */
export interface ConstantOptions {
  /** Linear warmup from 0 to 1, in steps. Default 0 (constant from the first step). */
  warmupSteps?: number;
}

const NAME = 'constant';

/**
 * Rises linearly from 0 to 1 over `warmupSteps`, then stays at 1.
 *
 * @example
 * constant({ warmupSteps: 4 })(2); // 0.5
 */
export function constant(options: ConstantOptions = {}): Schedule {
  const warmup = requireInteger(NAME, 'warmupSteps', options.warmupSteps ?? 0, 0);
  return (step: number): number => {
    checkStep(NAME, step);
    return step < warmup ? step / Math.max(1, warmup) : 1;
  };
}
