// galore and fira: GaLore's projected AdamW (Zhao et al. 2024) and Fira's residual (Chen et al. 2024) as trainer methods.
import {
  deserializeGaLoreState,
  GaLoreAdamW,
  galoreTargets,
  type SerializedGaLoreMeta,
  serializeGaLoreState,
} from '@relora/galore';
import type { TrainerOptions } from '../options';
import type {
  MethodContext,
  MethodOptimizer,
  MethodState,
  OptionProblem,
  TrainingMethod,
} from './training-method';

function galoreOptimizer(fira: boolean, { options: o, trainable }: MethodContext): MethodOptimizer {
  const optimizer = new GaLoreAdamW(
    {
      lr: o.lr,
      beta1: o.adamBeta1,
      beta2: o.adamBeta2,
      weightDecay: o.weightDecay,
      rank: o.rank,
      updateProjGap: o.updateProjGap,
      scale: o.galoreScale,
      projType: o.projType,
      fira,
      gamma: o.gamma,
      firaResidual: o.firaResidual,
      seed: o.seed,
    },
    galoreTargets(trainable).map(([, v]) => v),
  );
  return {
    adamw: optimizer.adamw,
    applyGradients: (grads, lr) => optimizer.applyGradients(grads, { lr }),
    async saveState(named): Promise<MethodState> {
      const { meta, tensors } = await serializeGaLoreState(optimizer, named);
      const out: MethodState['tensors'] = {};
      for (const slot of meta.slots) {
        out[`${slot.key}.m`] = { shape: slot.moments, data: tensors[`${slot.key}.m`]! };
        out[`${slot.key}.v`] = { shape: slot.moments, data: tensors[`${slot.key}.v`]! };
        if (slot.projector)
          out[`${slot.key}.projector`] = {
            shape: slot.projector,
            data: tensors[`${slot.key}.projector`]!,
          };
      }
      return { meta: meta as unknown as Record<string, unknown>, tensors: out };
    },
    loadState(saved, named) {
      const tensors: Record<string, Float32Array> = {};
      for (const [key, t] of Object.entries(saved.tensors)) tensors[key] = t.data;
      const meta = saved.meta as unknown as SerializedGaLoreMeta;
      deserializeGaLoreState(optimizer, { meta, tensors }, named);
    },
    dispose: () => optimizer.dispose(),
  };
}

function validate(o: TrainerOptions): OptionProblem | undefined {
  for (const key of ['rank', 'updateProjGap'] as const)
    if (!Number.isInteger(o[key]) || o[key] < 1)
      return { option: key, message: `must be an integer >= 1, got ${o[key]}` };
  if (!(Number.isFinite(o.galoreScale) && o.galoreScale > 0))
    return { option: 'galoreScale', message: `must be a number > 0, got ${o.galoreScale}` };
  if (o.projType !== 'std')
    return { option: 'projType', message: `must be std (the official default), got ${o.projType}` };
  if (!(Number.isFinite(o.gamma) && o.gamma >= 1))
    return { option: 'gamma', message: `must be a number >= 1, got ${o.gamma}` };
  if (o.firaResidual !== 'code' && o.firaResidual !== 'paper')
    return { option: 'firaResidual', message: `must be code or paper, got ${o.firaResidual}` };
  return undefined;
}

const INVARIANTS = ['rank', 'updateProjGap', 'projType'] as const;

function describe(title: string, o: TrainerOptions): string {
  return `${title} (rank ${o.rank} projections of attention and MLP gradients, refreshed every ${o.updateProjGap} steps, scale ${o.galoreScale}${title === 'Fira' ? `, gamma ${o.gamma}, ${o.firaResidual} residual` : ''})`;
}

/** GaLore's C4 recipe (methods.md 0.3): one cosine cycle with a 10% floor, no restarts. */
const RECIPE = { scheduler: 'cosine' } as const;

/** `galore`: projected AdamW on attention and MLP weights, plain AdamW elsewhere. */
export const GALORE_METHOD: TrainingMethod = {
  name: 'galore',
  describe: (o) => describe('GaLore', o),
  recipe: RECIPE,
  summary: 'gradient low-rank projection (Zhao et al. 2024): Adam on rank-r projected gradients',
  mode: 'full',
  resumeInvariants: INVARIANTS,
  validate,
  create: (context) => galoreOptimizer(false, context),
};

/** `fira`: GaLore plus the scaled residual and its norm-growth limiter. */
export const FIRA_METHOD: TrainingMethod = {
  name: 'fira',
  describe: (o) => describe('Fira', o),
  recipe: RECIPE,
  summary: 'GaLore plus the scaled full-rank residual and a norm-growth limiter (Chen et al. 2024)',
  mode: 'full',
  resumeInvariants: [...INVARIANTS, 'firaResidual'],
  validate,
  create: (context) => galoreOptimizer(true, context),
};
