// The warning relora-pretrain prints at run start for a setting measured to wreck training at this model size.
import type { TrainerOptions } from '@relora/trainer';

/**
 * Below this many parameters, pruning the Adam moments at >= 0.99 with independent masks is known
 * to diverge: measured on the 0.87M demo model (apps/quality/README.md); the paper used magnitude
 * pruning at 0.99 from 60M parameters up.
 */
export const INDEPENDENT_PRUNING_SAFE_FROM = 60e6;

/**
 * One line naming the chosen combination, what it did and what to use instead; undefined when
 * nothing chosen is known to diverge. Measured (demo model, 500 steps): magnitude pruning at
 * 0.99 with independent masks always; random pruning at 0.99 with independent masks when restarts
 * have no LR warmup. `parameters`: the model's parameters.
 */
export function knownDivergence(o: TrainerOptions, parameters: number): string | undefined {
  if (o.mode !== 'relora' || o.optimizerPruningMask !== 'independent') return undefined;
  if (parameters >= INDEPENDENT_PRUNING_SAFE_FROM) return undefined;
  const noRestartWarmup = o.scheduler !== 'cosine_restarts' || o.restartWarmupSteps === 0;
  const flag =
    o.optimizerMagnitudePruning >= 0.99
      ? `--optimizer-magnitude-pruning ${o.optimizerMagnitudePruning}`
      : o.optimizerRandomPruning >= 0.99 && noRestartWarmup
        ? `--optimizer-random-pruning ${o.optimizerRandomPruning} without a restart LR warmup`
        : undefined;
  if (!flag) return undefined;
  return (
    `warning: ${flag} with --optimizer-pruning-mask independent (the reference's) ` +
    `is known to diverge below 60M parameters (this model: ${(parameters / 1e6).toFixed(2)}M): a kept m with a zeroed v makes the first updates after a restart tens of times too large; ` +
    '--optimizer-pruning-mask joint does not (apps/quality/README.md)'
  );
}
