// CoLA and CoLA-M (Liu et al., arXiv 2502.10940): a model variant trained from scratch with plain AdamW.
import { adamwOptimizer } from './adamw-method';
import type { MethodModel, TrainingMethod } from './training-method';

/** What the trainer reads of a CoLA model (`@relora/cola`'s `ColaModel`), structurally. */
interface ColaSettings {
  rank: number;
  recompute: boolean;
}

/**
 * `cola` (autodiff keeps σ(x A)) or `cola-m` (recomputed in the backward; the same gradients).
 * The caller builds the model (`createColaLlama` from `@relora/cola`, rank = `--rank`); every
 * parameter trains with AdamW and one cosine, as the official scripts (methods.md 3.3).
 */
function colaMethod(recompute: boolean): TrainingMethod {
  const name = recompute ? 'cola-m' : 'cola';
  return {
    name,
    summary: recompute
      ? 'CoLA-M: CoLA recomputing σ(x A) in the backward, same gradients, less memory'
      : 'CoLA: every projection σ(x A) B at rank --rank, trained from scratch (Liu et al. 2025)',
    describe: (o) => `${recompute ? 'CoLA-M' : 'CoLA'} (rank ${o.rank})`,
    mode: 'full',
    recipe: { scheduler: 'cosine' },
    resumeInvariants: ['rank'],
    prepareModel(model: MethodModel, options) {
      const cola = (model as MethodModel & { cola?: ColaSettings }).cola;
      if (!cola)
        throw new Error(
          `--method ${name}: the model is not a CoLA model (build it with createColaLlama from @relora/cola)`,
        );
      if (cola.rank !== options.rank || cola.recompute !== recompute)
        throw new Error(
          `--method ${name}: the model has rank ${cola.rank}${cola.recompute ? ' with recompute' : ''}, the options rank ${options.rank}${recompute ? ' with recompute' : ''}`,
        );
    },
    create: adamwOptimizer,
  };
}

export const COLA_METHOD = colaMethod(false);
export const COLA_M_METHOD = colaMethod(true);
