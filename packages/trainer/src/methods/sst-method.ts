// sst: Sparse Spectral Training (Zhao et al., arXiv 2405.15481) as a trainer method.
import type { LinearHost } from '@relora/core';
import { zeroMomentSlices } from '@relora/optim';
import { applySST, type MomentReset, type SST, type SSTState } from '@relora/sst';
import type { TrainerOptions } from '../options';
import { adamwOptimizer } from './adamw-method';
import type {
  MethodContext,
  MethodModel,
  MethodOptimizer,
  OptionProblem,
  TrainingMethod,
} from './training-method';

// The controller of each model prepareModel wrapped, found again by create (a method is shared).
const controllers = new WeakMap<object, SST>();

function sstOptimizer(context: MethodContext): MethodOptimizer {
  const sst = controllers.get(context.model);
  if (!sst) throw new Error('sst: the model was not wrapped (prepareModel) before its optimizer');
  const { adamw } = adamwOptimizer(context);
  const reset = (resets: MomentReset[]) => {
    for (const r of resets) zeroMomentSlices(adamw, r.variable, r);
  };
  return {
    adamw,
    linears: sst.layers,
    async applyGradients(grads, lr) {
      // The first iteration's pairs are drawn at the first update (sampling reads σ).
      if (!sst.sampled) reset(await sst.resample());
      const masked = sst.maskGradients(grads);
      try {
        adamw.applyGradients(masked.grads, { lr });
      } finally {
        for (const t of masked.created) t.dispose();
      }
      sst.normalize();
    },
    async afterStep(updateStep) {
      reset(await sst.afterStep(updateStep));
    },
    async saveState() {
      return { meta: { ...sst.state() }, tensors: {} };
    },
    loadState(saved) {
      sst.restoreState(saved.meta as unknown as SSTState);
    },
    dispose: () => adamw.dispose(),
  };
}

function validate(o: TrainerOptions): OptionProblem | undefined {
  for (const option of ['rank', 'sstIterationInterval', 'sstNumIterations'] as const)
    if (!(Number.isSafeInteger(o[option]) && o[option] >= 1))
      return { option, message: `must be an integer >= 1, got ${o[option]}` };
  if (o.sstSampling !== 'sigma' && o.sstSampling !== 'mixed')
    return { option: 'sstSampling', message: `must be sigma or mixed, got ${o.sstSampling}` };
  return undefined;
}

/**
 * `sst`: every block projection becomes U diag(σ) Vᵀ (SVD init of a normal W); σ trains every
 * step, `rank` sampled pairs per iteration with enhanced gradients; re-SVD every round. The
 * checkpoint's model.safetensors holds the merged plain LLaMA weights.
 */
export const SST_METHOD: TrainingMethod = {
  name: 'sst',
  summary:
    'Sparse Spectral Training: W = U diag(σ) Vᵀ, all σ and --rank sampled singular vectors trained, re-SVD per round (Zhao et al. 2024)',
  describe: (o) =>
    `SST (rank ${o.rank}, resample every ${o.sstIterationInterval} steps, re-SVD every ${
      o.sstIterationInterval * o.sstNumIterations
    }, ${o.sstSampling} sampling)`,
  mode: 'full',
  // Unverified (methods.md 4.7): one cosine cycle, no re-warming at resamples.
  recipe: { scheduler: 'cosine' },
  resumeInvariants: ['rank', 'sstIterationInterval', 'sstNumIterations', 'sstSampling'],
  validate,
  prepareModel(model: MethodModel, o: TrainerOptions) {
    const host = model as MethodModel & LinearHost & { config?: { initializerRange?: number } };
    controllers.set(
      model,
      applySST(host, {
        rank: o.rank,
        iterationInterval: o.sstIterationInterval,
        numIterations: o.sstNumIterations,
        sampling: o.sstSampling,
        seed: o.seed,
        std: host.config?.initializerRange,
      }),
    );
  },
  create: sstOptimizer,
};
