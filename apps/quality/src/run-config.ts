// What a relora-pretrain run trained, read back from the config.json it writes into its run directory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The model and schedule of one run: what its FLOPs and an equal-compute run of it depend on. */
export interface RunConfig {
  /** `--method`, or the mode when none was given: full, lora, relora, galore, cola, ... */
  method: string;
  mode: string;
  model: {
    vocabSize: number;
    hiddenSize: number;
    intermediateSize: number;
    numLayers: number;
    tieWordEmbeddings: boolean;
  };
  /** Tokens per sequence (T). */
  seqLen: number;
  /** Tokens per update step: sequences per step x T. */
  tokensPerStep: number;
  steps: number;
  /** Full-rank steps before the low-rank phase (counted only in the lora and relora modes). */
  warmStartSteps: number;
  /** ReLoRA restart period in update steps; null outside the relora mode. */
  relora: number | null;
  warmupSteps: number;
  restartWarmupSteps: number;
  /** `--rank` (GaLore, Fira, CoLA, SST) and `--lora-r` (LoRA, ReLoRA, SwitchLoRA). */
  rank: number;
  loraR: number;
}

const int = z.number().int();
const configJsonSchema = z.object({
  method: z.string().nullable(),
  mode: z.string(),
  num_training_steps: int,
  batch_size: int,
  total_batch_size: int.nullable(),
  max_length: int,
  warm_start_steps: int,
  relora: int.nullable(),
  warmup_steps: int,
  restart_warmup_steps: int,
  rank: int,
  lora_r: int,
  run_model: z.object({
    vocab_size: int,
    hidden_size: int,
    intermediate_size: int,
    num_hidden_layers: int,
    tie_word_embeddings: z.boolean(),
  }),
});

/** The {@link RunConfig} of relora-pretrain's config.json (its options plus `run_model`). */
export function parseRunConfig(json: unknown): RunConfig {
  const c = configJsonSchema.parse(json);
  const m = c.run_model;
  return {
    method: c.method ?? c.mode,
    mode: c.mode,
    model: {
      vocabSize: m.vocab_size,
      hiddenSize: m.hidden_size,
      intermediateSize: m.intermediate_size,
      numLayers: m.num_hidden_layers,
      tieWordEmbeddings: m.tie_word_embeddings,
    },
    seqLen: c.max_length,
    tokensPerStep: (c.total_batch_size ?? c.batch_size) * c.max_length,
    steps: c.num_training_steps,
    warmStartSteps: c.mode === 'full' ? 0 : c.warm_start_steps,
    relora: c.mode === 'relora' ? c.relora : null,
    warmupSteps: c.warmup_steps,
    restartWarmupSteps: c.restart_warmup_steps,
    rank: c.rank,
    loraR: c.lora_r,
  };
}

/** Reads `<runDir>/config.json`; throws naming the file when it is missing or not a run's config. */
export function readRunConfig(runDir: string): RunConfig {
  const path = join(runDir, 'config.json');
  try {
    return parseRunConfig(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new Error(`${path}: not a relora-pretrain run config (${(error as Error).message})`);
  }
}
