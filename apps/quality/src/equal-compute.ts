// Equal compute: the steps (and the schedule stretched to them) that spend full rank's training FLOPs.
import { type RunFlops, trainingFlops } from './method-flops';
import type { RunConfig } from './run-config';

/**
 * A configuration whose FLOPs at equal steps are within this share of full rank's gets no run of
 * its own at equal compute: its equal-steps run stands for it (rounding the steps would change
 * the budget by about as much).
 */
export const EQUAL_COMPUTE_TOLERANCE = 0.02;

/** How a configuration is trained at equal compute. */
export interface EqualComputePlan {
  /** Update steps of the equal-compute run. */
  steps: number;
  /** A run of its own; false: within the tolerance, the equal-steps run stands for it. */
  separate: boolean;
  /** relora-pretrain flags appended to the configuration's own (the last of a flag wins). */
  args: string[];
  /** Full-rank steps before the method's in the equal-compute run (ReLoRA's warm start). */
  warmStartSteps: number;
  /** Training FLOPs of the equal-compute run. */
  flops: number;
  /** Full rank's training FLOPs at the equal-steps run's steps: the budget. */
  budget: number;
}

/**
 * The equal-compute run of a configuration that ran `run` at equal steps: the same total training
 * FLOPs as full rank at `run.steps` steps (same model, tokens per step and sequence length).
 * Every step count of the schedule is scaled by one factor k = budget / FLOPs at equal steps and
 * rounded: the steps, the warm start, the LR warmup, and with ReLoRA the restart period and the
 * restart warmup, so the LR schedule keeps its shape (same number of restarts and cycles; the
 * steps are the warm start plus whole periods). Method periods (GaLore's projection gap,
 * SwitchLoRA's switch interval, SST's rounds) are left as they are: they are per step, not
 * per budget.
 */
export function equalComputePlan(
  run: RunConfig,
  flops: RunFlops,
  tolerance = EQUAL_COMPUTE_TOLERANCE,
): EqualComputePlan {
  const budget = run.steps * flops.tokensPerStep * flops.fullRankPerToken;
  const atEqualSteps = trainingFlops(flops, run.steps);
  if (Math.abs(atEqualSteps / budget - 1) <= tolerance) {
    return {
      steps: run.steps,
      separate: false,
      args: [],
      warmStartSteps: flops.warmStartSteps,
      flops: atEqualSteps,
      budget,
    };
  }
  const k = budget / atEqualSteps;
  const scale = (steps: number) => Math.round(steps * k);
  const warmStart = scale(run.warmStartSteps);
  const phase = run.steps - run.warmStartSteps;
  const args: string[] = [];
  let steps = scale(run.steps);
  if (run.relora !== null && phase % run.relora === 0) {
    const period = Math.max(2, scale(run.relora));
    steps = warmStart + (phase / run.relora) * period;
    args.push('--relora', String(period));
    args.push('--restart-warmup-steps', String(Math.min(scale(run.restartWarmupSteps), period)));
  }
  if (flops.warmStartSteps > 0) args.push('--warm-start-steps', String(warmStart));
  args.unshift(
    '--num-training-steps',
    String(steps),
    '--warmup-steps',
    String(scale(run.warmupSteps)),
  );
  // The only checkpoint is the last one (the run folder is temporary).
  args.push('--save-every', String(steps));
  const planned = { ...flops, warmStartSteps: flops.warmStartSteps > 0 ? warmStart : 0 };
  return {
    steps,
    separate: true,
    args,
    warmStartSteps: planned.warmStartSteps,
    flops: trainingFlops(planned, steps),
    budget,
  };
}
