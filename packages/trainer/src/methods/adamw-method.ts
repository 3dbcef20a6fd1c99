// full, lora and relora: the plain AdamW update of every trainable parameter.
import { AdamW } from '@relora/optim';
import type { TrainingMode } from '../options';
import type { MethodContext, MethodOptimizer, TrainingMethod } from './training-method';

/** The trainer's AdamW as a {@link MethodOptimizer}: no state besides the AdamW's. */
export function adamwOptimizer({ options: o }: MethodContext): MethodOptimizer {
  const adamw = new AdamW({
    lr: o.lr,
    beta1: o.adamBeta1,
    beta2: o.adamBeta2,
    weightDecay: o.weightDecay,
  });
  return {
    adamw,
    applyGradients: (grads, lr) => adamw.applyGradients(grads, { lr }),
    dispose: () => adamw.dispose(),
  };
}

const SUMMARIES: Record<TrainingMode, string> = {
  full: 'full-rank AdamW',
  lora: 'LoRA factors only (Hu et al. 2021)',
  relora: 'LoRA with merge-and-reinit restarts (Lialin et al. 2023)',
};

/** `full`, `lora` or `relora`: the loop's own modes with AdamW. */
export function adamwMethod(mode: TrainingMode): TrainingMethod {
  return {
    name: mode,
    summary: SUMMARIES[mode],
    mode,
    resumeInvariants: [],
    create: adamwOptimizer,
  };
}
