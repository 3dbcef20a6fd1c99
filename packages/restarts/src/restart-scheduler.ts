// When to merge-and-reinit and when to reset the optimizer, step by step (reference torchrun_main.py).

/** Options of {@link RestartScheduler}; names follow the reference's flags. */
export interface RestartSchedulerOptions {
  /** Merge-and-reinit period in update steps (reference `--relora`). Integer >= 2. */
  reloraEvery: number;
  /** Optimizer-reset period in update steps (reference `--cycle_length`). Default `reloraEvery`. */
  cycleLength?: number;
  /**
   * Update step at which the LR schedule started (reference `scheduler_start_step`: 0, or the step
   * of the warmed-up checkpoint ReLoRA continues from). Default 0.
   */
  startStep?: number;
}

/** What to do after an update step. */
export interface RestartDecision {
  /** Merge the LoRA factors into the frozen weights and re-initialise them. */
  merge: boolean;
  /** Prune the optimizer moments of the LoRA parameters. */
  resetOptimizer: boolean;
}

/** Everything needed to continue the same cadence after a resume; plain JSON. */
export interface RestartSchedulerState {
  reloraEvery: number;
  cycleLength: number;
  startStep: number;
  /** Merges performed so far (reference `n_lora_restarts`). */
  restarts: number;
  /** Optimizer resets performed so far (reference `n_optimizer_resets`). */
  optimizerResets: number;
  /** Last step passed to `afterStep`, or -1. */
  lastStep: number;
}

function requirePeriod(name: string, value: unknown): number {
  // the reference tests `(update_step - start) % relora == 1`, which never holds for a period of 1
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 2) {
    throw new RangeError(`RestartScheduler: ${name} must be an integer >= 2, got ${String(value)}`);
  }
  return value;
}

/**
 * The restart cadence of the reference: after the optimizer step with 0-based index `step`, merge
 * when `step - startStep` is a positive multiple of `reloraEvery`, reset the optimizer when it is a
 * positive multiple of `cycleLength`. Those are exactly the steps whose LR multiplier under
 * `cosineRestarts({ restartEvery: cycleLength })` is 0, so the new factors and the pruned moments
 * start on the re-warmup.
 *
 * @example
 * const restarts = new RestartScheduler({ reloraEvery: 500 });
 * const { merge, resetOptimizer } = restarts.afterStep(step); // after optimizer.applyGradients
 */
export class RestartScheduler {
  readonly reloraEvery: number;
  readonly cycleLength: number;
  readonly startStep: number;
  private restartCount = 0;
  private resetCount = 0;
  private last = -1;

  constructor(options: RestartSchedulerOptions) {
    this.reloraEvery = requirePeriod('reloraEvery', options.reloraEvery);
    this.cycleLength = requirePeriod('cycleLength', options.cycleLength ?? options.reloraEvery);
    const start = options.startStep ?? 0;
    if (!Number.isInteger(start) || start < 0) {
      throw new RangeError(`RestartScheduler: startStep must be an integer >= 0, got ${start}`);
    }
    this.startStep = start;
  }

  /** Restores a scheduler saved with {@link RestartScheduler.state}. */
  static fromState(state: RestartSchedulerState): RestartScheduler {
    const scheduler = new RestartScheduler(state);
    for (const key of ['restarts', 'optimizerResets'] as const) {
      if (!Number.isInteger(state[key]) || state[key] < 0) {
        throw new RangeError(
          `RestartScheduler.fromState: ${key} must be an integer >= 0, got ${state[key]}`,
        );
      }
    }
    scheduler.restartCount = state.restarts;
    scheduler.resetCount = state.optimizerResets;
    scheduler.last = state.lastStep ?? -1;
    return scheduler;
  }

  /** Number of merges so far. */
  get restarts(): number {
    return this.restartCount;
  }

  /** Number of optimizer resets so far. */
  get optimizerResets(): number {
    return this.resetCount;
  }

  /** The step to pass to the LR schedule for the global update step `step`. */
  scheduleStep(step: number): number {
    return step - this.startStep;
  }

  /** Pure query: what to do after update step `step` (0-based, global); counts nothing. */
  decide(step: number): RestartDecision {
    const local = step - this.startStep;
    if (!Number.isInteger(step) || local < 0) {
      throw new RangeError(
        `RestartScheduler: step must be an integer >= startStep (${this.startStep}), got ${step}`,
      );
    }
    return {
      merge: local > 0 && local % this.reloraEvery === 0,
      resetOptimizer: local > 0 && local % this.cycleLength === 0,
    };
  }

  /**
   * Call once after each optimizer step with that step's 0-based global index; counts what it
   * decides. Steps must increase.
   */
  afterStep(step: number): RestartDecision {
    if (step <= this.last) {
      throw new RangeError(
        `RestartScheduler.afterStep: step ${step} is not after the last step ${this.last}`,
      );
    }
    const decision = this.decide(step);
    this.last = step;
    if (decision.merge) this.restartCount++;
    if (decision.resetOptimizer) this.resetCount++;
    return decision;
  }

  /** Plain JSON for a checkpoint. */
  state(): RestartSchedulerState {
    return {
      reloraEvery: this.reloraEvery,
      cycleLength: this.cycleLength,
      startStep: this.startStep,
      restarts: this.restartCount,
      optimizerResets: this.resetCount,
      lastStep: this.last,
    };
  }
}
