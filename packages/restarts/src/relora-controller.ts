// The ReLoRA controller: performs a restart (merge-and-reinit, then optimizer reset) in one call.
import { RestartScheduler, type RestartSchedulerOptions } from './restart-scheduler';

/** Any layer that can fold its LoRA factors into its frozen weight and start new ones. */
export interface MergeableLayer {
  mergeAndReinit(): void;
}

/** How the optimizer moments of the LoRA parameters are pruned (matches `@relora/optim`). */
export interface ResetPolicy {
  /** 'zero': full reset; 'random': keep each entry with probability 1 - ratio; 'magnitude': zero |x| <= quantile(|x|, ratio). */
  mode: 'zero' | 'random' | 'magnitude';
  /** Fraction pruned, in [0, 1]; required for 'random' and 'magnitude', ignored for 'zero'. */
  ratio?: number;
  /** Seed of random pruning; the controller adds the restart number so every restart draws a new mask. */
  seed?: number;
}

/** Moment entries that are zero after a reset, out of all entries of the reset tensors. */
export interface ResetCounts {
  zeroed: number;
  total: number;
}

/**
 * Prunes the optimizer state of the LoRA parameters, e.g. `(p) => resetOptimizerState(opt, loraVars, p)`.
 * May return a promise: pruning by magnitude or at random reads the moments back, and reads from a
 * GPU are asynchronous.
 */
export type OptimizerResetFn = (policy: ResetPolicy) => ResetCounts | Promise<ResetCounts>;

/** Options of {@link ReLoRA}. */
export interface ReLoRAOptions {
  /** The layers to merge, or a function listing them at restart time. */
  layers: MergeableLayer[] | (() => MergeableLayer[]);
  /** Called at each optimizer reset with the policy (and a per-restart seed). */
  resetOptimizer: OptimizerResetFn;
  /** Reset policy. Default {@link RELORA_DEFAULTS}.policy: magnitude pruning of 99% (the paper's). */
  policy?: ResetPolicy;
  /** The cadence; a scheduler or its options. Required for `afterStep`. */
  scheduler?: RestartScheduler | RestartSchedulerOptions;
}

/** What one call did. */
export interface RestartReport {
  /** The update step it ran after, when driven by `afterStep`. */
  step?: number;
  /** Layers merged and re-initialised (0 when only the optimizer was reset). */
  merged: number;
  /** Restarts (merges) performed by this controller so far, this one included. */
  restarts: number;
  /** Present when the optimizer was reset: the policy used and how much it zeroed. */
  optimizerReset?: ResetCounts & { policy: ResetPolicy; fraction: number };
}

/** Defaults of {@link ReLoRAOptions}. */
export const RELORA_DEFAULTS = {
  policy: { mode: 'magnitude', ratio: 0.99, seed: 0 } as ResetPolicy,
} as const;

function checkPolicy(policy: ResetPolicy): ResetPolicy {
  if (!['zero', 'random', 'magnitude'].includes(policy.mode)) {
    throw new RangeError(
      `ReLoRA: policy.mode must be 'zero', 'random' or 'magnitude', got '${policy.mode}'`,
    );
  }
  if (policy.mode !== 'zero') {
    const ratio = policy.ratio;
    if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1)) {
      throw new RangeError(
        `ReLoRA: policy.ratio must be in [0, 1] for mode '${policy.mode}', got ${String(ratio)}`,
      );
    }
  }
  return policy;
}

/**
 * Drives ReLoRA restarts: after each optimizer step, `afterStep(step)` merges the layers and prunes
 * the optimizer state when the {@link RestartScheduler} says so (merge first, then reset, as the
 * reference does); `restart()` does both at once, now. Both return promises, which settle once the
 * reset callback's promise has: await them before the next optimizer step.
 *
 * @example
 * const relora = new ReLoRA({ layers, resetOptimizer: (p) => resetOptimizerState(opt, loraVars, p), scheduler: { reloraEvery: 500 } });
 * const report = await relora.afterStep(step); // undefined on ordinary steps
 */
export class ReLoRA {
  readonly scheduler?: RestartScheduler;
  readonly policy: ResetPolicy;
  private readonly options: ReLoRAOptions;
  private restartCount = 0;

  constructor(options: ReLoRAOptions) {
    this.options = options;
    this.policy = checkPolicy(options.policy ?? RELORA_DEFAULTS.policy);
    const scheduler = options.scheduler;
    if (scheduler !== undefined) {
      this.scheduler =
        scheduler instanceof RestartScheduler ? scheduler : new RestartScheduler(scheduler);
      this.restartCount = this.scheduler.restarts;
    }
  }

  /** Restarts performed so far. */
  get restarts(): number {
    return this.restartCount;
  }

  /**
   * Asks the scheduler about update step `step` and acts on it; resolves to undefined when nothing
   * happened. The scheduler counts the step at once, before the promise settles.
   */
  async afterStep(step: number): Promise<RestartReport | undefined> {
    if (!this.scheduler) {
      throw new Error(
        'ReLoRA.afterStep: no scheduler; pass `scheduler` to the constructor or call restart()',
      );
    }
    const decision = this.scheduler.afterStep(step);
    if (!decision.merge && !decision.resetOptimizer) return undefined;
    return { step, ...(await this.restart(decision)) };
  }

  /** Merges every layer (at once) and/or resets the optimizer (both by default). */
  async restart(what: { merge?: boolean; resetOptimizer?: boolean } = {}): Promise<RestartReport> {
    const merge = what.merge ?? true;
    const resetOptimizer = what.resetOptimizer ?? true;
    let merged = 0;
    if (merge) {
      const layers =
        typeof this.options.layers === 'function' ? this.options.layers() : this.options.layers;
      for (const layer of layers) layer.mergeAndReinit();
      merged = layers.length;
      this.restartCount++;
    }
    const report: RestartReport = { merged, restarts: this.restartCount };
    if (resetOptimizer) {
      const policy = { ...this.policy, seed: (this.policy.seed ?? 0) + this.restartCount };
      const counts = await this.options.resetOptimizer(policy);
      report.optimizerReset = {
        ...counts,
        policy,
        fraction: counts.total > 0 ? counts.zeroed / counts.total : 0,
      };
    }
    return report;
  }
}
