// The learning rate at each update step: a full-rank phase, then the LoRA phase's own schedule (as two reference runs).
import { cosineRestarts, cyclicalCosine, linear, type Schedule } from '@relora/schedules';
import type { TrainerOptions } from './options';
import { phaseSteps } from './validate-options';

function buildSchedule(o: TrainerOptions, steps: number): Schedule {
  switch (o.scheduler) {
    case 'linear':
      return linear({ warmupSteps: o.warmupSteps, numTrainingSteps: steps });
    case 'cosine':
      return cyclicalCosine({
        warmupSteps: o.warmupSteps,
        cycleLength: o.cycleLength ?? steps,
        numTrainingSteps: steps,
        minLrRatio: o.minLrRatio,
      });
    case 'cosine_restarts':
      return cosineRestarts({
        numTrainingSteps: steps,
        firstWarmupSteps: o.warmupSteps,
        restartWarmupSteps: o.restartWarmupSteps,
        restartEvery: o.cycleLength ?? steps,
        minLrRatio: o.minLrRatio,
        adjustStep: o.adjustStep,
      });
  }
}

/**
 * Learning rate of the optimizer step with 0-based index `step`.
 * - `full` mode: `lr * schedule(step)` over `numTrainingSteps`.
 * - warm start (`step < warmStartSteps`): `warmStartLr` times a warmup + cosine over the whole run,
 *   like the full-rank reference run whose checkpoint ReLoRA starts from.
 * - LoRA phase: `lr * schedule(step - warmStartSteps)` over the remaining steps (the reference's
 *   `scheduler_start_step`), so the LoRA phase warms up again from 0.
 */
export function learningRateAt(o: TrainerOptions): (step: number) => number {
  if (o.mode === 'full') {
    const schedule = buildSchedule(o, o.numTrainingSteps);
    return (step) => o.lr * schedule(step);
  }
  const start = o.warmStartSteps;
  const main = buildSchedule(o, phaseSteps(o));
  const warm =
    start > 0
      ? cyclicalCosine({
          warmupSteps: Math.min(o.warmupSteps, start),
          numTrainingSteps: o.numTrainingSteps,
          minLrRatio: o.minLrRatio,
        })
      : undefined;
  return (step) => (warm && step < start ? o.warmStartLr * warm(step) : o.lr * main(step - start));
}
