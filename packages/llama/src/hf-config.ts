// Conversion between LlamaConfig and Hugging Face's config.json for LlamaForCausalLM.
import { LLAMA_CONFIG_DEFAULTS, type LlamaConfig, resolveLlamaConfig } from './config';

/** A Hugging Face config.json object (the fields this package reads and writes, plus any others). */
export type HfLlamaConfig = Record<string, unknown>;

/**
 * The config.json Hugging Face's `LlamaForCausalLM.from_pretrained` expects. `extra` fields
 * (e.g. `bos_token_id`) are merged in; keys are sorted as transformers writes them.
 */
export function toHfConfig(config: LlamaConfig, extra: HfLlamaConfig = {}): HfLlamaConfig {
  const fields: HfLlamaConfig = {
    architectures: ['LlamaForCausalLM'],
    attention_bias: false,
    head_dim: config.hiddenSize / config.numHeads,
    hidden_act: 'silu',
    hidden_size: config.hiddenSize,
    initializer_range: config.initializerRange,
    intermediate_size: config.intermediateSize,
    max_position_embeddings: config.maxSeqLen,
    mlp_bias: false,
    model_type: 'llama',
    num_attention_heads: config.numHeads,
    num_hidden_layers: config.numLayers,
    num_key_value_heads: config.numHeads,
    rms_norm_eps: config.rmsNormEps,
    rope_scaling: null,
    rope_theta: config.ropeTheta,
    tie_word_embeddings: config.tieWordEmbeddings,
    torch_dtype: 'float32',
    vocab_size: config.vocabSize,
    ...extra,
  };
  return Object.fromEntries(
    Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** config.json text as transformers writes it: 2-space indent, trailing newline. */
export function hfConfigJson(config: LlamaConfig, extra: HfLlamaConfig = {}): string {
  return `${JSON.stringify(toHfConfig(config, extra), null, 2)}\n`;
}

function unsupported(field: string, value: unknown, expected: string): never {
  throw new Error(
    `config.json: ${field} = ${JSON.stringify(value)} is not supported (expected ${expected})`,
  );
}

/**
 * Reads a Hugging Face Llama config.json (ours, transformers', or the ReLoRA reference's, which
 * spells the context `max_sequence_length`). Throws naming any field this model cannot honour
 * (grouped-query attention, rope scaling, biases, another activation).
 */
export function fromHfConfig(json: HfLlamaConfig): LlamaConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('config.json: expected a JSON object');
  }
  const modelType = json.model_type;
  if (modelType !== undefined && modelType !== 'llama')
    unsupported('model_type', modelType, '"llama"');
  const act = json.hidden_act;
  if (act !== undefined && act !== 'silu') unsupported('hidden_act', act, '"silu"');
  for (const flag of ['attention_bias', 'mlp_bias'] as const) {
    if (json[flag] !== undefined && json[flag] !== false) unsupported(flag, json[flag], 'false');
  }
  if (json.rope_scaling !== undefined && json.rope_scaling !== null)
    unsupported('rope_scaling', json.rope_scaling, 'null');
  // transformers >= 5 writes rope_parameters: { rope_theta, rope_type } instead of rope_theta.
  const rope = (json.rope_parameters ?? {}) as Record<string, unknown>;
  if (rope.rope_type !== undefined && rope.rope_type !== 'default') {
    unsupported('rope_parameters.rope_type', rope.rope_type, '"default"');
  }
  const heads = json.num_attention_heads;
  const kvHeads = json.num_key_value_heads;
  if (kvHeads !== undefined && kvHeads !== null && kvHeads !== heads) {
    unsupported(
      'num_key_value_heads',
      kvHeads,
      `num_attention_heads (${String(heads)}): no grouped-query attention`,
    );
  }
  const config = resolveLlamaConfig({
    vocabSize: json.vocab_size as number,
    hiddenSize: json.hidden_size as number,
    intermediateSize: json.intermediate_size as number,
    numLayers: json.num_hidden_layers as number,
    numHeads: heads as number,
    maxSeqLen: (json.max_position_embeddings ??
      json.max_sequence_length ??
      LLAMA_CONFIG_DEFAULTS.maxSeqLen) as number,
    rmsNormEps: (json.rms_norm_eps ?? LLAMA_CONFIG_DEFAULTS.rmsNormEps) as number,
    ropeTheta: (json.rope_theta ?? rope.rope_theta ?? LLAMA_CONFIG_DEFAULTS.ropeTheta) as number,
    // transformers' LlamaConfig defaults tie_word_embeddings to false.
    tieWordEmbeddings: (json.tie_word_embeddings ?? false) as boolean,
    initializerRange: (json.initializer_range ?? LLAMA_CONFIG_DEFAULTS.initializerRange) as number,
  });
  const headDim = json.head_dim;
  if (
    headDim !== undefined &&
    headDim !== null &&
    headDim !== config.hiddenSize / config.numHeads
  ) {
    unsupported(
      'head_dim',
      headDim,
      `hidden_size / num_attention_heads (${config.hiddenSize / config.numHeads})`,
    );
  }
  return config;
}
