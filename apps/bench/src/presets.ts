// Resolves preset names to full `@relora/llama` configs at the bench's vocabulary and length.
import { type LlamaConfig, type LlamaPresetName, llamaPreset } from '@relora/llama';

/** The model config of a preset for a run: `vocabSize` from the options, room for `seqLen`. */
export function presetConfig(name: string, vocabSize: number, seqLen: number): LlamaConfig {
  const base = llamaPreset(name as LlamaPresetName, { vocabSize });
  return { ...base, maxSeqLen: Math.max(base.maxSeqLen, seqLen) };
}
