// Shared by the CLI tests: a one-layer model config and the flags of a run that takes seconds.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes a 1-layer, d = 32 Hugging Face config.json into `dir`; returns its path. */
export function writeTinyModelConfig(dir: string): string {
  const path = join(dir, 'tiny-config.json');
  const config = {
    hidden_size: 32,
    intermediate_size: 64,
    num_attention_heads: 2,
    num_hidden_layers: 1,
    vocab_size: 258,
    max_position_embeddings: 64,
  };
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** Flags of a tiny wasm run on `modelConfig`, followed by `extra` (later flags win). */
export function tinyArgs(modelConfig: string, extra: string): string[] {
  return [
    '--model_config',
    modelConfig,
    ...`--backend wasm --batch_size 2 --max_length 16 --warmup_steps 2 ${extra}`
      .trim()
      .split(/\s+/),
  ];
}
