// The suite's options, their defaults, and the `--quick` matrix.
import type { BackendName } from '@relora/backend';
import type { ResetMode } from '@relora/optim';
import type { MethodName } from '@relora/trainer';

// Each list names every member of its type once: the records stop compiling when a type changes.
/**
 * What a case trains with: a method of `@relora/trainer`'s `TRAINING_METHODS` (`full`, `lora` and
 * `relora` are its plain-AdamW modes) whose counts `method-analytical.ts` knows, in run order.
 */
export type BenchMode = Extract<
  MethodName,
  | 'full'
  | 'lora'
  | 'relora'
  | 'galore'
  | 'fira'
  | 'switchlora'
  | 'cola'
  | 'cola-m'
  | 'sst'
  | 'crnet'
  | 'crnet-m'
>;
export const TRAINING_MODES = Object.keys({
  full: 0,
  lora: 0,
  relora: 0,
  galore: 0,
  fira: 0,
  switchlora: 0,
  cola: 0,
  'cola-m': 0,
  sst: 0,
  crnet: 0,
  'crnet-m': 0,
} satisfies Record<BenchMode, 0>) as BenchMode[];
/**
 * The modes the bench steps with its own AdamW (LoRA applied for lora and relora), covered by the
 * base FLOPs formula and the data-parallel case; the others step through the trainer's registry.
 */
export const PLAIN_MODES: ReadonlySet<BenchMode> = new Set(['full', 'lora', 'relora']);
/** The optimizer resets of `@relora/optim`'s `resetOptimizerState`. */
export const RESET_MODES = Object.keys({
  zero: 0,
  random: 0,
  magnitude: 0,
} satisfies Record<ResetMode, 0>) as ResetMode[];

/** Everything a bench run can be told. Defaults in `BENCH_DEFAULTS`, `--quick` in `QUICK`. */
export interface BenchOptions {
  /** Model presets of `@relora/llama` to run. */
  presets: string[];
  /** Training modes (methods) to compare. */
  modes: BenchMode[];
  /**
   * Ranks of every mode but `full`: the LoRA rank (lora, relora, switchlora), the projection rank
   * (galore, fira), CoLA's factor rank (cola, cola-m), CR-Net's (crnet, crnet-m), SST's sampled singular-vector pairs per
   * projection (sst). Ranks >= the model width are skipped.
   */
  ranks: number[];
  /** Backend thread counts to compare; empty: the backend's default only. */
  threads: number[];
  /**
   * Data-parallel thread counts to compare (`DataParallelGradients` of `@relora/trainer/node`).
   * w > 1: each of the w threads computes a whole micro-batch of `batchSize` rows per update step
   * (weak scaling). 1 is the plain one-thread step. Not combined with `threads` > 1.
   */
  workers: number[];
  /** Backend to force (`tensorflow-gpu`, `tensorflow`, `wasm`, `cpu`); undefined: best available. */
  backend?: BackendName;
  /** Sequences per update step (per micro-batch: a workers case's step has one per thread). */
  batchSize: number;
  /** Per-preset batch sizes that replace `batchSize` (the GPU matrix sets them to fill the GPU). */
  batchSizes?: Record<string, number>;
  /** The GPU's memory in GiB, for the GPU matrix's batch sizes; unset: nvidia-smi, else 16. */
  gpuMemoryGib?: number;
  /** Cases left out before the run (a preset the GPU cannot hold), listed with the skipped. */
  presetSkips?: Array<{ id: string; reason: string }>;
  /** Tokens per sequence T (also the model's maxSeqLen). */
  seqLen: number;
  /** Vocabulary size V (presets leave it to the tokenizer). */
  vocabSize: number;
  /** Times the whole matrix runs, interleaved; each case's timings pool every round's steps. */
  rounds: number;
  /** Untimed steps before measuring (compilation, allocation, optimizer state). */
  warmupSteps: number;
  /**
   * Past `warmupSteps`, warm-up goes on until {@link STEADY_STATE_WARMUP_STEPS} steps or this many
   * seconds, whichever comes first. V8 goes on optimizing a step's JavaScript for its first ~50
   * steps (packages/backend/PERF-LOG.md, section 21): that shows where steps are short and, with
   * `workers`, takes time from a busy core; where steps are long it is a small share. 0:
   * `warmupSteps` alone.
   */
  warmupSec: number;
  /** Timed update steps; every timing reported is a median over them. */
  steps: number;
  /** Repeats of each timed merge-and-reinit and optimizer reset (relora mode). */
  restartRepeats: number;
  /** LoRA alpha (s = alpha / r). Reference default 32. */
  loraAlpha: number;
  /** LoRA dropout on the adapter input. Reference default 0.1. */
  loraDropout: number;
  /** Update steps between restarts, to amortise restart cost into relora throughput. */
  reloraEvery: number;
  /** Optimizer reset at a restart; the paper's default is magnitude pruning of 99%. */
  resetMode: ResetMode;
  resetRatio: number;
  /** Allowed relative gap between measured and analytical resident bytes. */
  tolerance: number;
  /** Allowed absolute gap (bytes) for buffers that are not parameters (rotary tables, masks). */
  toleranceBytes: number;
  /** Seed of the model init and the synthetic token batches. */
  seed: number;
  /** Limit per case in seconds; a case past it is killed and reported as failed. */
  caseTimeoutSec: number;
  /** Where `bench-results.json`, the charts and the HTML report go. */
  outDir: string;
  /** Also print the backends skipped on the way to the chosen one, and why. */
  verbose: boolean;
  /**
   * Also run each full, lora and relora case in this peer (`torch`: `scripts/torch_peer.py`),
   * right after each of its rounds, and report ours / peer tokens/s; unset: no peer.
   */
  peer?: PeerName;
  /** The peer's interpreter; unset: the first of `python3`, `/usr/bin/python3` with torch. */
  python?: string;
}

/** The peers `--peer` knows. */
export const PEER_NAMES = ['torch'] as const;
export type PeerName = (typeof PEER_NAMES)[number];

/** Warm-up steps after which V8 has (nearly) stopped re-optimizing a demo step's JavaScript. */
export const STEADY_STATE_WARMUP_STEPS = 40;

/** The default matrix: reference presets that fit a CPU; `GPU_PRESETS` join on tensorflow-gpu. */
export const BENCH_DEFAULTS: BenchOptions = {
  presets: ['9m', '35m'],
  modes: ['full', 'lora', 'relora'],
  ranks: [32, 128],
  threads: [],
  workers: [1],
  batchSize: 4,
  seqLen: 256,
  vocabSize: 32100, // the T5 tokenizer the paper used
  rounds: 1,
  warmupSteps: 2,
  warmupSec: 5,
  steps: 10,
  restartRepeats: 5,
  loraAlpha: 32,
  loraDropout: 0.1,
  reloraEvery: 5000, // the paper's restart period for 250M..1.3B
  resetMode: 'magnitude',
  resetRatio: 0.99,
  tolerance: 0.001,
  toleranceBytes: 64 * 1024,
  seed: 0,
  caseTimeoutSec: 1800,
  outDir: 'runs/bench',
  verbose: false,
};

/** Added to the default matrix when the backend is `tensorflow-gpu`. */
export const GPU_PRESETS = ['60m', '130m', '250m', '350m'];

/** `--quick`: the tiniest presets at relora-pretrain's demo settings, a few minutes on two CPU cores. */
export const QUICK: Partial<BenchOptions> = {
  presets: ['tiny', 'demo'], // `demo` is relora-pretrain's default model
  // relora-pretrain's demo run: rank 32, batch 8, 64 tokens, byte tokenizer.
  ranks: [32],
  batchSize: 8,
  seqLen: 64,
  vocabSize: 258,
  rounds: 3, // three fresh processes per case: a load burst on a shared machine cannot decide a ratio
  warmupSteps: 2,
  steps: 10,
  restartRepeats: 5,
  reloraEvery: 100,
};
