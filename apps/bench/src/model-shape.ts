// The shape of a LLaMA-style decoder: all the analytical counts need to know about a model.

/**
 * Sizes of a LLaMA decoder (the paper's architecture: RMSNorm, rotary attention, SwiGLU MLP,
 * no biases). Mirrors the fields of `@relora/llama`'s config that decide parameter counts.
 */
export interface ModelShape {
  /** Tokens in the vocabulary (rows of the embedding, columns of the LM head). */
  vocabSize: number;
  /** Model width d. */
  hiddenSize: number;
  /** SwiGLU inner width f (gate and up project d -> f, down projects f -> d). */
  intermediateSize: number;
  /** Decoder layers L. */
  numLayers: number;
  /** Attention heads; d must be divisible by it. */
  numHeads: number;
  /** The LM head reuses the embedding matrix. Default false, as in the paper. */
  tieWordEmbeddings?: boolean;
}

/** The linear layers of one decoder layer, by Hugging Face module suffix, as [in, out]. */
export function layerLinears(shape: ModelShape): Array<[string, number, number]> {
  const d = shape.hiddenSize;
  const f = shape.intermediateSize;
  return [
    ['self_attn.q_proj', d, d],
    ['self_attn.k_proj', d, d],
    ['self_attn.v_proj', d, d],
    ['self_attn.o_proj', d, d],
    ['mlp.gate_proj', d, f],
    ['mlp.up_proj', d, f],
    ['mlp.down_proj', f, d],
  ];
}
