// Named model shapes: the reference's configs (Guitaricet/relora, configs/llama_*.json) and tiny CPU ones.
import { type LlamaConfig, type LlamaConfigInput, resolveLlamaConfig } from './config';

/** The shape fields a preset fixes; vocabulary size comes from the tokenizer. */
export type LlamaShape = Pick<
  LlamaConfig,
  'hiddenSize' | 'intermediateSize' | 'numHeads' | 'numLayers' | 'maxSeqLen'
>;

function shape(
  hiddenSize: number,
  intermediateSize: number,
  numHeads: number,
  numLayers: number,
  maxSeqLen: number,
): LlamaShape {
  return { hiddenSize, intermediateSize, numHeads, numLayers, maxSeqLen };
}

/**
 * Preset shapes by name. The reference's (its `max_sequence_length` as maxSeqLen) plus:
 * `tiny` for tests (~0.1M parameters besides the embeddings), `demo` (the 9m shape with a
 * 256-token context) for CPU demos.
 */
export const LLAMA_PRESETS = {
  tiny: shape(64, 176, 4, 2, 128),
  demo: shape(128, 352, 4, 4, 256),
  '9m': shape(128, 352, 4, 4, 1024),
  '20m': shape(256, 688, 4, 4, 1024),
  '35m': shape(384, 1024, 8, 6, 1024),
  '40m': shape(416, 1024, 8, 8, 1024),
  '60m': shape(512, 1376, 8, 8, 1024),
  '71m': shape(512, 1368, 8, 12, 1024),
  '100m': shape(512, 1368, 16, 21, 1024),
  '130m': shape(768, 2048, 12, 12, 1024),
  '250m': shape(768, 2560, 16, 24, 1024),
  '350m': shape(1024, 2736, 16, 24, 1024),
  '1b': shape(2048, 5461, 32, 24, 1024),
  '3b': shape(2560, 6848, 32, 32, 1024),
  '7b': shape(4096, 11008, 32, 32, 2048),
} as const satisfies Record<string, LlamaShape>;

/** A preset's name. */
export type LlamaPresetName = keyof typeof LLAMA_PRESETS;

/** What {@link llamaPreset} needs besides the name: the vocabulary size, and any field to override. */
export type LlamaPresetOptions = { vocabSize: number } & Partial<LlamaConfig>;

/**
 * The config of a named preset, e.g. `llamaPreset('60m', { vocabSize: tokenizer.vocabSize })`.
 * Fields in `options` override the preset's; the result is validated.
 */
export function llamaPreset(name: LlamaPresetName, options: LlamaPresetOptions): LlamaConfig {
  if (!Object.hasOwn(LLAMA_PRESETS, name)) {
    throw new Error(
      `llamaPreset: unknown preset '${String(name)}' (known: ${Object.keys(LLAMA_PRESETS).join(', ')})`,
    );
  }
  const input: LlamaConfigInput = { ...LLAMA_PRESETS[name], ...options };
  return resolveLlamaConfig(input);
}
