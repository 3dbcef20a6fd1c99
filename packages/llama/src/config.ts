// The model's hyperparameters: the config type, its defaults and validation.

/** Shape and numerics of a LLaMA-style decoder. Field names follow Hugging Face's LlamaConfig in camelCase. */
export interface LlamaConfig {
  /** Vocabulary size V (from the tokenizer). HF `vocab_size`. */
  vocabSize: number;
  /** Model width d. HF `hidden_size`. */
  hiddenSize: number;
  /** SwiGLU inner width. HF `intermediate_size`. */
  intermediateSize: number;
  /** Decoder layers. HF `num_hidden_layers`. */
  numLayers: number;
  /** Attention heads; `hiddenSize / numHeads` is the head size and must be even (rotary). HF `num_attention_heads`. */
  numHeads: number;
  /** Longest sequence the model accepts, in tokens. HF `max_position_embeddings`. */
  maxSeqLen: number;
  /** RMSNorm epsilon. Default 1e-6 (the paper). HF `rms_norm_eps`. */
  rmsNormEps: number;
  /** Rotary base. Default 10000. HF `rope_theta`. */
  ropeTheta: number;
  /** Whether the LM head reuses the token embedding. Default false. HF `tie_word_embeddings`. */
  tieWordEmbeddings: boolean;
  /** Std of the normal init of embeddings and linear weights. Default 0.02. HF `initializer_range`. */
  initializerRange: number;
}

/** The fields a caller must give; the rest default to {@link LLAMA_CONFIG_DEFAULTS}. */
export type LlamaConfigInput = Pick<
  LlamaConfig,
  'vocabSize' | 'hiddenSize' | 'intermediateSize' | 'numLayers' | 'numHeads'
> &
  Partial<LlamaConfig>;

/** Defaults of the optional config fields (the paper's and the reference's). */
export const LLAMA_CONFIG_DEFAULTS = {
  maxSeqLen: 1024,
  rmsNormEps: 1e-6,
  ropeTheta: 10000,
  tieWordEmbeddings: false,
  initializerRange: 0.02,
} as const satisfies Partial<LlamaConfig>;

const POSITIVE_INTEGERS = [
  'vocabSize',
  'hiddenSize',
  'intermediateSize',
  'numLayers',
  'numHeads',
  'maxSeqLen',
] as const;
const POSITIVE_NUMBERS = ['rmsNormEps', 'ropeTheta', 'initializerRange'] as const;
const KNOWN_KEYS = new Set<string>([
  ...POSITIVE_INTEGERS,
  ...POSITIVE_NUMBERS,
  'tieWordEmbeddings',
]);

/** Fills defaults and validates; throws an error naming the bad field and what was expected. */
export function resolveLlamaConfig(input: LlamaConfigInput): LlamaConfig {
  if (typeof input !== 'object' || input === null) {
    throw new Error(
      `LlamaConfig: expected an object, got ${input === null ? 'null' : typeof input}`,
    );
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new Error(`LlamaConfig: unknown field '${key}' (known: ${[...KNOWN_KEYS].join(', ')})`);
    }
  }
  const config: LlamaConfig = { ...LLAMA_CONFIG_DEFAULTS, ...input };
  for (const key of POSITIVE_INTEGERS) {
    const value = config[key];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new Error(`LlamaConfig: ${key} must be a positive integer, got ${String(value)}`);
    }
  }
  for (const key of POSITIVE_NUMBERS) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`LlamaConfig: ${key} must be a positive finite number, got ${String(value)}`);
    }
  }
  if (typeof config.tieWordEmbeddings !== 'boolean') {
    throw new Error(
      `LlamaConfig: tieWordEmbeddings must be a boolean, got ${String(config.tieWordEmbeddings)}`,
    );
  }
  if (config.hiddenSize % config.numHeads !== 0) {
    throw new Error(
      `LlamaConfig: hiddenSize (${config.hiddenSize}) must be divisible by numHeads (${config.numHeads})`,
    );
  }
  const headDim = config.hiddenSize / config.numHeads;
  if (headDim % 2 !== 0) {
    throw new Error(
      `LlamaConfig: head size hiddenSize / numHeads = ${headDim} must be even for rotary embeddings`,
    );
  }
  return config;
}

/** Head size d / H. */
export function headDim(config: LlamaConfig): number {
  return config.hiddenSize / config.numHeads;
}
