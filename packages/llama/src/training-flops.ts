// Model FLOPs to train a LLaMA decoder on one token: 6N plus the attention term, dense or with LoRA adapters.
import type { LlamaConfig } from './config';

/** The model fields the count reads. */
export type LlamaFlopsShape = Pick<
  LlamaConfig,
  'vocabSize' | 'hiddenSize' | 'intermediateSize' | 'numLayers'
>;

/** The formula {@link llamaTrainingFlopsPerToken} implements, for results files. */
export const LLAMA_TRAINING_FLOPS_FORMULA =
  'dense: 6*N + 12*L*T*d; LoRA (projections frozen, rank-r adapters trained): ' +
  '6*(N_head + N_lora) + 4*N_proj + 12*L*T*d, where N = N_proj + N_head, N_proj = L*(4d^2 + 3df) ' +
  '(the seven projections of every block), N_head = d*V (the LM head, tied or not), ' +
  'N_lora = L*r*(11d + 3f); a matmul costs 2 FLOPs per weight forward and 4 backward (input and ' +
  'weight gradients), a frozen weight skips its weight gradient; attention scores and values ' +
  'cost 4*T*d per token and layer forward (the full T x T product, as computed), x3 trained; ' +
  'embedding lookups, norms, softmax and SwiGLU excluded.';

/** Weights of the seven projections of every block (q, k, v, o: d x d; gate, up, down: d x f). */
export function llamaProjectionParameters(shape: LlamaFlopsShape): number {
  const { hiddenSize: d, intermediateSize: f } = shape;
  return shape.numLayers * (4 * d * d + 3 * d * f);
}

/**
 * Model FLOPs to train on one token (forward and backward) at sequence length `seqLen` (T), in
 * FLOPs per token, a multiply-add counted as 2 (see {@link LLAMA_TRAINING_FLOPS_FORMULA}).
 * Dense (full-rank) training by default: 6N + 12 L T d, Kaplan et al. 2020's 6N plus attention.
 * With `lora`, every projection's weight is frozen (forward and input gradient only) and a
 * rank-`lora.rank` adapter A [in, r], B [r, out] trains beside it (Hu et al. 2021; ReLoRA's
 * LoRA phase). Optimizer work (Adam, merges, projections) is not counted.
 */
export function llamaTrainingFlopsPerToken(
  shape: LlamaFlopsShape,
  seqLen: number,
  lora?: { rank: number },
): number {
  const { hiddenSize: d, intermediateSize: f, numLayers: L } = shape;
  const projections = llamaProjectionParameters(shape);
  const head = d * shape.vocabSize;
  const attention = 12 * L * seqLen * d;
  if (!lora) return 6 * (projections + head) + attention;
  const adapters = L * lora.rank * (11 * d + 3 * f);
  return 6 * (head + adapters) + 4 * projections + attention;
}
