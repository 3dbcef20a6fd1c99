// CR-Net (Kong et al., arXiv 2509.18993): a model variant trained from scratch with plain AdamW.
import { adamwOptimizer } from './adamw-method';
import type { MethodModel, TrainingMethod } from './training-method';

/** What the trainer reads of a CR-Net model (`@relora/crnet`'s `CrNetModel`), structurally. */
interface CrNetSettings {
  rank: number;
  recompute: boolean;
}

/**
 * `crnet` (autodiff keeps both addends of c·Y_{l-1} + X A B) or `crnet-m` (a backward that
 * rebuilds Y_{l-1} by inverting the recurrence, checkpoints every 8 blocks). The caller builds the
 * model (`createCrNetLlama` from `@relora/crnet`, rank = `--rank`); every parameter trains with
 * AdamW and one cosine (methods.md 5.8: no merge, no reset, no jagged schedule).
 */
function crnetMethod(recompute: boolean): TrainingMethod {
  const name = recompute ? 'crnet-m' : 'crnet';
  return {
    name,
    summary: recompute
      ? 'CR-Net with recomputation: rebuilds Y_{l-1} in the backward (unofficial inits)'
      : 'CR-Net: block 1 full-rank, later projections c·Y_{l-1} + X A B at rank --rank (Kong et al. 2025)',
    describe: (o) => `${recompute ? 'CR-Net (recompute)' : 'CR-Net'} (rank ${o.rank})`,
    mode: 'full',
    recipe: { scheduler: 'cosine' },
    resumeInvariants: ['rank'],
    prepareModel(model: MethodModel, options) {
      const crnet = (model as MethodModel & { crnet?: CrNetSettings }).crnet;
      if (!crnet)
        throw new Error(
          `--method ${name}: the model is not a CR-Net model (build it with createCrNetLlama from @relora/crnet)`,
        );
      if (crnet.rank !== options.rank || crnet.recompute !== recompute)
        throw new Error(
          `--method ${name}: the model has rank ${crnet.rank}${crnet.recompute ? ' with recompute' : ''}, the options rank ${options.rank}${recompute ? ' with recompute' : ''}`,
        );
    },
    create: adamwOptimizer,
  };
}

export const CRNET_METHOD = crnetMethod(false);
export const CRNET_M_METHOD = crnetMethod(true);
