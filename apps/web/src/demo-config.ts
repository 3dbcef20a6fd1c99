// The demo's model and training settings, with overrides from the page URL (?steps=24&relora=4).
import type { TrainerOptions } from '@relora/trainer';

/** What the page trains; every field can be set from the URL query of the same name. */
export interface DemoConfig {
  /** Update steps of the whole run, warm start included. Default 300. */
  steps: number;
  /** Full-rank steps before ReLoRA begins. Default 60. */
  warmStart: number;
  /** Merge-and-reinit (and optimizer reset) period, in update steps. Default 40. */
  relora: number;
  /** LoRA rank. Default 16. */
  rank: number;
  /** Sequences per update step. Default 8. */
  batch: number;
  /** Tokens (bytes) per sequence. Default 64. */
  seqLen: number;
  /** Peak learning rate of both phases. Default 3e-3. */
  lr: number;
  /** Bytes of the sample generated when training stops. Default 120. */
  sampleTokens: number;
  /** Backend to force: webgpu, webgl, wasm or cpu. Default: the best that loads. */
  backend?: string;
  seed: number;
}

/** Defaults of {@link DemoConfig}: about a minute of training on a laptop's wasm backend. */
export const DEMO_DEFAULTS: DemoConfig = {
  steps: 300,
  warmStart: 60,
  relora: 40,
  rank: 16,
  batch: 8,
  seqLen: 64,
  lr: 3e-3,
  sampleTokens: 120,
  seed: 0,
};

/** The defaults overridden by numeric (and `backend`) query parameters; unknown names are ignored. */
export function demoConfig(search: string): DemoConfig {
  const params = new URLSearchParams(search);
  const config: DemoConfig = { ...DEMO_DEFAULTS };
  for (const key of Object.keys(DEMO_DEFAULTS) as Array<keyof DemoConfig>) {
    const raw = params.get(key);
    if (raw === null || key === 'backend') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`?${key}= must be a number >= 0, got '${raw}'`);
    (config[key] as number) = value;
  }
  const backend = params.get('backend');
  if (backend) config.backend = backend;
  return config;
}

/** Trainer options of the demo: short warmups scaled to the restart period, no dropout, no evaluation. */
export function trainerOptions(config: DemoConfig): Partial<TrainerOptions> {
  const warmup = Math.max(1, Math.min(10, Math.floor(config.relora / 4)));
  return {
    mode: 'relora',
    numTrainingSteps: config.steps,
    warmStartSteps: config.warmStart,
    relora: config.relora,
    batchSize: config.batch,
    totalBatchSize: config.batch,
    maxLength: config.seqLen,
    lr: config.lr,
    warmStartLr: config.lr,
    warmupSteps: warmup,
    restartWarmupSteps: warmup,
    loraR: config.rank,
    loraAlpha: 2 * config.rank,
    loraDropout: 0,
    evalEvery: 0,
    saveEvery: 0,
    seed: config.seed,
  };
}
