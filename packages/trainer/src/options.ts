// The training-loop options: one interface, one defaults object (mirrors torchrun_main.py's flags).
import type { PruningMask } from '@relora/optim';
import type { MethodName } from './methods/registry';

/** What trains: every weight (`full`), LoRA factors only (`lora`), or LoRA with restarts (`relora`). */
export type TrainingMode = 'full' | 'lora' | 'relora';

/** Learning-rate schedules of the reference (`--scheduler`). */
export type SchedulerName = 'cosine_restarts' | 'cosine' | 'linear';

/**
 * Options of the training loop. Steps are update steps (one optimizer step each, after
 * `totalBatchSize / batchSize` micro-batches of gradient accumulation), as in the reference.
 */
export interface TrainerOptions {
  /**
   * `full`, `lora` or `relora`. With `warmStartSteps > 0` a `lora`/`relora` run trains full-rank
   * first and switches at that step. Default `relora`.
   */
  mode: TrainingMode;
  /**
   * The training method (`--method`, see `TRAINING_METHODS`): `full`, `lora`, `relora`, `galore`,
   * `fira`, ... It sets `mode` (galore and fira train every weight: `full`). Default null: `mode`'s
   * own method; resolved options always name one.
   */
  method: MethodName | null;
  /** GaLore/Fira projection rank r (`--rank`). Default 128 (the official code's). */
  rank: number;
  /** GaLore/Fira steps between projector refreshes T (`--update_proj_gap`). Default 50 (official; paper runs 200). */
  updateProjGap: number;
  /** GaLore/Fira scale alpha of the projected update (`--galore_scale`; Fira's `alpha`). Default 1.0 (official; paper runs 0.25). */
  galoreScale: number;
  /** GaLore projection side rule (`--proj_type`); only `std` (project the shorter side). Default `std`. */
  projType: 'std';
  /** Fira's norm-growth limiter gamma (`--gamma`; hard-coded 1.01 in the official code). Default 1.01. */
  gamma: number;
  /** Fira's residual: `code` (the official code's, default) or `paper` (Algorithm 1); methods.md 2.6. */
  firaResidual: 'code' | 'paper';
  /** SwitchLoRA: at first each vector switches about once every this many steps (`--switch_lora_interval`). Default 40 (official). */
  switchLoraInterval: number;
  /** SwitchLoRA: the interval triples every this fraction of the run (`--switch_lora_descent_rate`). Default 0.1 (official). */
  switchLoraDescentRate: number;
  /** SwitchLoRA: steps a switched vector's counterpart stays frozen, -1 for none (`--adam_warm_step`). Default 5 (official). */
  adamWarmStep: number;
  /** SST: update steps between resamples of the trained singular-vector pairs (the paper's iteration interval; `--sst_iteration_interval`). Default 200 [ours: the official value is unverified]. */
  sstIterationInterval: number;
  /** SST: iterations per round, a re-SVD ending each (`--sst_num_iterations`). Default 4 [ours: unverified]. */
  sstNumIterations: number;
  /** SST: how pairs are drawn, `sigma` (∝ σ) or `mixed` (½ uniform + ½ ∝ σ) (`--sst_sampling`). Default `sigma`. */
  sstSampling: 'sigma' | 'mixed';
  /** Update steps of the whole run, warm start included (`--num_training_steps`). Default 10000. */
  numTrainingSteps: number;
  /** Sequences per micro-batch (`--batch_size`). Default 4. */
  batchSize: number;
  /** Sequences per update step; a multiple of `batchSize` (`--total_batch_size`). Default 4. */
  totalBatchSize: number;
  /** Tokens per sequence (`--max_length`). Default 128. */
  maxLength: number;
  /** Peak learning rate (`--lr`); for a warm-started run, the LR of the LoRA phase. Default 1e-3. */
  lr: number;
  /** AdamW decoupled weight decay (`--weight_decay`). Default 0. */
  weightDecay: number;
  /** Adam beta1 (`--adam_beta1`). Default 0.9. */
  adamBeta1: number;
  /** Adam beta2 (`--adam_beta2`). Default 0.999. */
  adamBeta2: number;
  /** Global gradient-norm clip; 0 disables (`--clip_grad_norm`). Default 1.0. */
  clipGradNorm: number;
  /** LR schedule (`--scheduler`). Default `cosine_restarts`. */
  scheduler: SchedulerName;
  /** Linear warmup steps at the start of a phase (`--warmup_steps`). Default 100. */
  warmupSteps: number;
  /** Period of the LR cycle and of optimizer resets, in update steps (`--cycle_length`). Default: `relora`. */
  cycleLength: number | null;
  /** Warmup steps after each restart (`--restart_warmup_steps`). Default 10. */
  restartWarmupSteps: number;
  /** LR floor as a fraction of `lr` (`--min_lr_ratio`). Default 0.1. */
  minLrRatio: number;
  /** Shift of the restart cosine to sync it with a warm-started model (`--adjust_step`). Default 0. */
  adjustStep: number;
  /** Merge-and-reinit period in update steps (`--relora`); `null` for no restarts. Default 500. */
  relora: number | null;
  /** LoRA rank (`--lora_r`). Default 128. */
  loraR: number;
  /** LoRA alpha: scaling = alpha / r (`--lora_alpha`). Default 32. */
  loraAlpha: number;
  /** Dropout on the LoRA branch input (reference: 0.1, fixed). Default 0.1. */
  loraDropout: number;
  /** Trainable scaling s = tanh(c) (`--train_scaling`). Default false. */
  trainScaling: boolean;
  /** Full reset of the LoRA Adam moments at each restart (`--reset_optimizer_on_relora`). Default true. */
  resetOptimizerOnRelora: boolean;
  /** Random pruning ratio of the LoRA Adam moments at each restart (`--optimizer_random_pruning`). Default 0. */
  optimizerRandomPruning: number;
  /** Magnitude pruning ratio of the LoRA Adam moments at each restart (`--optimizer_magnitude_pruning`). Default 0. */
  optimizerMagnitudePruning: number;
  /**
   * Masks of the two Adam moments when pruning (`'independent'`: the reference's, one mask each;
   * `'joint'`: one mask for m and v, ranked by |m| / sqrt(v) for magnitude pruning, so no entry
   * keeps m while losing v). Default `'joint'`: independent magnitude pruning at 0.99 diverges
   * on small models (apps/quality/README.md).
   */
  optimizerPruningMask: PruningMask;
  /** Full-rank update steps before switching to LoRA/ReLoRA; 0 for none. Default 0. */
  warmStartSteps: number;
  /** Peak learning rate of the full-rank warm start (reference: 5e-4 vs 1e-3 for ReLoRA). Default 5e-4. */
  warmStartLr: number;
  /** Evaluate every this many update steps; 0 disables (`--eval_every`). Default 1000. */
  evalEvery: number;
  /** Validation tokens per evaluation (reference: 10M). Default 65536. */
  evalTokens: number;
  /** Checkpoint every this many update steps; 0 only at the end (`--save_every`). Default 10000. */
  saveEvery: number;
  /** Seed of weights init, LoRA init, dropout and optimizer pruning (`--seed`). Default 0. */
  seed: number;
}

/** The defaults of {@link TrainerOptions}. */
export const TRAINER_DEFAULTS: TrainerOptions = {
  mode: 'relora',
  method: null,
  rank: 128,
  updateProjGap: 50,
  galoreScale: 1,
  projType: 'std',
  gamma: 1.01,
  firaResidual: 'code',
  switchLoraInterval: 40,
  switchLoraDescentRate: 0.1,
  adamWarmStep: 5,
  sstIterationInterval: 200,
  sstNumIterations: 4,
  sstSampling: 'sigma',
  numTrainingSteps: 10_000,
  batchSize: 4,
  totalBatchSize: 4,
  maxLength: 128,
  lr: 1e-3,
  weightDecay: 0,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  clipGradNorm: 1.0,
  scheduler: 'cosine_restarts',
  warmupSteps: 100,
  cycleLength: null,
  restartWarmupSteps: 10,
  minLrRatio: 0.1,
  adjustStep: 0,
  relora: 500,
  loraR: 128,
  loraAlpha: 32,
  loraDropout: 0.1,
  trainScaling: false,
  resetOptimizerOnRelora: true,
  optimizerRandomPruning: 0,
  optimizerMagnitudePruning: 0,
  optimizerPruningMask: 'joint',
  warmStartSteps: 0,
  warmStartLr: 5e-4,
  evalEvery: 1000,
  evalTokens: 65_536,
  saveEvery: 10_000,
  seed: 0,
};
