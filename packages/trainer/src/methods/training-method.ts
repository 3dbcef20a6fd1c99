// The method seam: what a training method (ReLoRA, GaLore, Fira, SwitchLoRA, ...) plugs into the trainer.
import type { LinearHost } from '@relora/core';
import type { AdamW } from '@relora/optim';
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainerOptions, TrainingMode } from '../options';

/** Parameters by Hugging Face name, in the model's order (`model.namedParameters()`). */
export type NamedVariables = ReadonlyArray<readonly [string, tf.Variable]>;

/** The model as a method sees it: its linears by module name (to wrap or swap) and its parameters. */
export interface MethodModel extends LinearHost {
  namedParameters(): Array<[string, tf.Variable]>;
}

/**
 * A method's state beyond its AdamW's (projectors, projected moments, switch counters), keyed by
 * stable parameter names: `meta` is plain JSON, each tensor float32 with its shape. A checkpoint
 * stores it as `method_state.safetensors` (`meta` in the file's metadata).
 */
export interface MethodState {
  meta: Record<string, unknown>;
  tensors: Record<string, { shape: number[]; data: Float32Array }>;
}

/** An option inconsistent with a method: the trainer throws it as an `OptionError`. */
export interface OptionProblem {
  option: keyof TrainerOptions;
  message: string;
}

/** What a method's optimizer is built from. */
export interface MethodContext {
  readonly options: TrainerOptions;
  /** The model, after {@link TrainingMethod.prepareModel}. */
  readonly model: MethodModel;
  /** The trainable parameters (`variable.trainable`), by name, in the model's order. */
  readonly trainable: NamedVariables;
}

/**
 * One run's update rule, built by {@link TrainingMethod.create} (again at the switch to a LoRA
 * phase). The loop calls `applyGradients` once per update step with clipped gradients, then
 * `afterStep`; a checkpoint stores `adamw` (optimizer.safetensors) and `saveState()`
 * (method_state.safetensors); a resume loads both into a freshly built one.
 */
export interface MethodOptimizer {
  /**
   * The `@relora/optim` AdamW holding ordinary per-parameter state: every trainable parameter for
   * full/lora/relora, the ones a method leaves to Adam otherwise (GaLore: embeddings, norms, head).
   * ReLoRA's resets and the trainer's `optimizer` getter act on it.
   */
  readonly adamw: AdamW;
  /**
   * One update from `grads` (keyed by `variable.name`, the caller disposes them) at learning rate
   * `lr`. May return a promise (e.g. an SVD refresh reads the device); the loop awaits it before
   * disposing the gradients.
   */
  applyGradients(grads: tf.NamedTensorMap, lr: number): void | Promise<void>;
  /** After update step `updateStep` (0-based, just applied): periodic work at update steps. */
  afterStep?(updateStep: number): void | Promise<void>;
  /** State beyond `adamw`'s, for a checkpoint; absent when there is none. */
  saveState?(named: NamedVariables): Promise<MethodState>;
  /** Restores {@link saveState}'s output; throws (changing nothing) when it does not fit. */
  loadState?(saved: MethodState, named: NamedVariables): void;
  /**
   * Layers this method wrapped, by module name (SwitchLoRA), whose pending low-rank update
   * model.safetensors merges into `${module}.weight`; a checkpoint then also stores the unmerged
   * weights (training_weights.safetensors), which a resume loads.
   */
  readonly linears?: ReadonlyMap<string, { pendingUpdate(): tf.Tensor }>;
  /** Frees every tensor it holds, `adamw`'s included. */
  dispose(): void;
}

/**
 * A training method as the trainer and `relora-pretrain --method` know it: an entry of
 * `TRAINING_METHODS`. Methods that only change the model (a model variant such as CoLA) use the
 * plain AdamW update and build their model in the app; methods that wrap the model's layers
 * (SwitchLoRA) do it in `prepareModel`.
 */
export interface TrainingMethod {
  /** The `--method` name. */
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** The run's plan in a few words for the start-up line (e.g. `GaLore (rank 32, ...)`); absent: the mode's. */
  describe?(options: TrainerOptions): string;
  /** The loop's mode: what trains and whether a LoRA phase (with ReLoRA restarts for `relora`) comes. */
  readonly mode: TrainingMode;
  /**
   * Values of the method's recipe that differ from the loop's (e.g. GaLore's one cosine cycle);
   * `relora-pretrain` applies them where the option is not given.
   */
  readonly recipe?: Partial<TrainerOptions>;
  /** Options a resume must match besides `RESUME_INVARIANTS` (those that shape the method's state). */
  readonly resumeInvariants: ReadonlyArray<keyof TrainerOptions>;
  /** The first option inconsistent with this method, if any. */
  validate?(options: TrainerOptions): OptionProblem | undefined;
  /** Changes the model before the first optimizer is built (once per trainer, before a restore). */
  prepareModel?(model: MethodModel, options: TrainerOptions): void;
  /** The update rule of one run (phase). */
  create(context: MethodContext): MethodOptimizer;
}
