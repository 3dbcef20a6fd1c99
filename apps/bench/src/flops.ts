// Model FLOPs per trained token of a LLaMA decoder: 6N plus the attention term, per mode.
import { llamaTrainingFlopsPerToken } from '@relora/llama';
import type { TrainingMode } from '@relora/trainer';
import type { LoRAShape } from './analytical';
import { loraParameters, wrappedLinearParameters } from './analytical';
import type { ModelShape } from './model-shape';

/** The formula `flopsPerToken` implements, written into every result. */
export const FLOPS_FORMULA =
  'full: 6*N + 12*L*T*d; lora/relora: 6*(N_head + N_lora) + 4*N_frozen + 12*L*T*d, where ' +
  'N = parameters of every matmul (attention and MLP projections plus the LM head; embedding ' +
  'lookups and norms excluded), a matmul costs 2 FLOPs per weight forward and 4 backward (input ' +
  'and weight gradients), a frozen weight skips its weight gradient, and attention scores and ' +
  'values cost 4*T*d per token and layer forward (the full T x T product, as computed), x3 trained.';

/**
 * Model FLOPs to train on one token: forward and backward, at sequence length `seqLen` (T).
 * Counts multiply-adds as 2 FLOPs and ignores element-wise work (norms, softmax, SwiGLU).
 */
export function flopsPerToken(
  shape: ModelShape,
  mode: TrainingMode,
  seqLen: number,
  lora?: LoRAShape,
): number {
  const head = shape.hiddenSize * shape.vocabSize;
  const wrapped = wrappedLinearParameters(shape);
  const attention = 12 * shape.numLayers * seqLen * shape.hiddenSize;
  if (mode === 'full') return llamaTrainingFlopsPerToken(shape, seqLen);
  if (!lora) throw new Error(`flopsPerToken: mode '${mode}' needs a LoRA rank`);
  return 6 * (head + loraParameters(shape, lora)) + 4 * wrapped + attention;
}

/** FLOPs of one plain matmul [m, k] x [k, n]. */
export function matmulFlops(m: number, k: number, n: number): number {
  return 2 * m * k * n;
}
