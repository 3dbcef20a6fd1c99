// A run config as relora-pretrain writes it: the demo model (byte vocabulary), 8 x 64 tokens per step.
import type { RunConfig } from './run-config';

/** The demo run's config.json fields that FLOPs read, for `mode` and `method`. */
export function demoConfigJson(mode: string, method: string | null, extra: object = {}) {
  return {
    method,
    mode,
    num_training_steps: 500,
    batch_size: 8,
    total_batch_size: 8,
    max_length: 64,
    warm_start_steps: 125,
    relora: 125,
    warmup_steps: 20,
    restart_warmup_steps: 10,
    rank: 32,
    lora_r: 32,
    run_model: {
      vocab_size: 258,
      hidden_size: 128,
      intermediate_size: 352,
      num_hidden_layers: 4,
      tie_word_embeddings: false,
    },
    ...extra,
  };
}

/** The demo model's shape, as `RunConfig.model`. */
export const DEMO_MODEL: RunConfig['model'] = {
  vocabSize: 258,
  hiddenSize: 128,
  intermediateSize: 352,
  numLayers: 4,
  tieWordEmbeddings: false,
};
