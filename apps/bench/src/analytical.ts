// Analytical parameter, byte and FLOP counts of a LLaMA decoder in each training mode.
import type { TrainingMode } from '@relora/trainer';
import { layerLinears, type ModelShape } from './model-shape';

/** Bytes per float32 element: every tensor the suite counts is float32. */
export const BYTES_PER_FLOAT = 4;

/** What `lora` and `relora` add to the model; ignored in `full` mode. */
export interface LoRAShape {
  /** LoRA rank r: A is [in, r], B is [r, out]. */
  rank: number;
  /** One trainable scalar c per wrapped layer (the reference's `--train_scaling`). Default false. */
  trainableScaling?: boolean;
}

/** The analytical element counts of a model in one training mode. */
export interface AnalyticalParameterCounts {
  /** Every float the model holds, frozen or not. */
  total: number;
  /** Floats the optimizer updates (and keeps m and v for). */
  trainable: number;
  /** Frozen kernels of the wrapped linear layers (0 in `full` mode). */
  frozen: number;
  /** The LoRA factors (and scaling scalars) alone; part of `trainable`. */
  lora: number;
}

export interface ByteCounts {
  /** All model parameters, float32. */
  weights: number;
  /** One gradient per trainable parameter. */
  gradients: number;
  /**
   * Optimizer state: AdamW's m and v, two floats per trainable parameter (GaLore/Fira: m and v of
   * the parameters they leave to AdamW plus projectors, projected moments and Fira's limiters).
   */
  optimizer: number;
  /** A method's tensors besides weights and optimizer state (SwitchLoRA's candidate pools). */
  state?: number;
}

/** Parameters in the linear layers that LoRA wraps (q, k, v, o, gate, up, down of every layer). */
export function wrappedLinearParameters(shape: ModelShape): number {
  const perLayer = layerLinears(shape).reduce((sum, [, inF, outF]) => sum + inF * outF, 0);
  return shape.numLayers * perLayer;
}

/** Parameters of the LoRA factors over every wrapped layer: r (in + out) each. */
export function loraParameters(shape: ModelShape, lora: LoRAShape): number {
  const perLayer = layerLinears(shape).reduce(
    (sum, [, inF, outF]) => sum + lora.rank * (inF + outF) + (lora.trainableScaling ? 1 : 0),
    0,
  );
  return shape.numLayers * perLayer;
}

/** Embedding, LM head (unless tied) and RMSNorm weights: always full-rank and trainable. */
export function unwrappedParameters(shape: ModelShape): number {
  const d = shape.hiddenSize;
  const embedding = shape.vocabSize * d;
  const head = shape.tieWordEmbeddings ? 0 : d * shape.vocabSize;
  const norms = (2 * shape.numLayers + 1) * d;
  return embedding + head + norms;
}

/**
 * Parameter counts of the model in a mode. In `lora` and `relora` the wrapped kernels are frozen
 * and the LoRA factors, embeddings, norms and head train (the paper's setup).
 */
export function countParameters(
  shape: ModelShape,
  mode: TrainingMode,
  lora?: LoRAShape,
): AnalyticalParameterCounts {
  const wrapped = wrappedLinearParameters(shape);
  const rest = unwrappedParameters(shape);
  if (mode === 'full')
    return { total: wrapped + rest, trainable: wrapped + rest, frozen: 0, lora: 0 };
  if (!lora) throw new Error(`countParameters: mode '${mode}' needs a LoRA rank`);
  const factors = loraParameters(shape, lora);
  return {
    total: wrapped + rest + factors,
    trainable: rest + factors,
    frozen: wrapped,
    lora: factors,
  };
}

/**
 * Float32 bytes of the per-length constants `@relora/llama` keeps for sequence length T: the
 * additive causal mask [T, T] and four rotary tables [T, headDim] (cos and sin, queries and keys).
 */
export function sequenceBufferBytes(shape: ModelShape, seqLen: number): number {
  const headDim = shape.hiddenSize / shape.numHeads;
  return BYTES_PER_FLOAT * (seqLen * seqLen + 4 * seqLen * headDim);
}

/** Float32 bytes of weights, gradients and AdamW state for the given counts. */
export function countBytes(params: AnalyticalParameterCounts): ByteCounts {
  return {
    weights: params.total * BYTES_PER_FLOAT,
    gradients: params.trainable * BYTES_PER_FLOAT,
    optimizer: 2 * params.trainable * BYTES_PER_FLOAT,
  };
}
