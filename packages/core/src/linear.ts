// The linear-layer seam: what a model (e.g. @relora/llama) offers and what @relora/lora swaps in.
import type * as tf from '@tensorflow/tfjs-core';

/** Options for one forward pass. */
export interface ApplyOptions {
  /** Training mode: enables dropout where a layer has any. Default false. */
  training?: boolean;
}

/** Anything that maps x [..., in] -> y [..., out]. */
export interface Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** x [..., inFeatures] -> y [..., outFeatures]; the caller owns the result. */
  apply(x: tf.Tensor, options?: ApplyOptions): tf.Tensor;
  /** Variables this layer owns, by suffix: [['weight', W], ['bias', b], ['lora_A.weight', A], ...]. */
  namedVariables(): Array<[string, tf.Variable]>;
  /** Frees every variable this layer owns. */
  dispose(): void;
}

/** A plain dense layer: kernel W [in, out] (tfjs layout), optional bias [out]. */
export interface DenseLinear extends Linear {
  readonly kernel: tf.Variable;
  readonly bias?: tf.Variable;
}

/** A model whose linear layers can be listed and swapped, by Hugging Face module name. */
export interface LinearHost {
  /** e.g. [['model.layers.0.self_attn.q_proj', layer], ...] */
  namedLinears(): Array<[string, DenseLinear]>;
  /** Replaces the layer at `name`; the model then computes that projection through `layer.apply`. */
  setLinear(name: string, layer: Linear): void;
}
