// The training loop: full-rank warm start, LoRA/ReLoRA phase, accumulation, clipping, AdamW, restarts, eval, saves.

import { takeDeviceErrors } from '@relora/backend';
import type { LinearHost } from '@relora/core';
import type { LoaderCursor } from '@relora/data';
import type { LoRAHandle } from '@relora/lora';
import { type AdamW, clipByGlobalNormTensor, deserializeAdamWState } from '@relora/optim';
import type { ReLoRA } from '@relora/restarts';
import * as tf from '@tensorflow/tfjs-core';
import { type CheckpointState, checkResumable, type TrainerCheckpoint } from './checkpoint-state';
import { DeviceError, NonFiniteLossError } from './errors';
import { type EvalSource, evaluateLoss } from './evaluate';
import { STALL_STEPS, TrainerEmitter } from './events';
import { restoreLoraRngState, switchToLoRA } from './lora-phase';
import { learningRateAt } from './lr-schedule';
import { requireTrainingMethod } from './methods/registry';
import type { MethodOptimizer, TrainingMethod } from './methods/training-method';
import type { TrainerOptions } from './options';
import { readScalars } from './read-scalars';
import { createRestartController } from './restart-controller';
import {
  type AccumulatedGradients,
  accumulateGradients,
  type Batch,
  type LossModel,
} from './train-step';
import { resolveTrainerOptions } from './validate-options';

function nextTick(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

/** What the trainer needs from a model (an `@relora/llama` model satisfies it). */
export interface TrainerModel extends LinearHost, LossModel {
  /** Every variable by Hugging Face name, including LoRA factors once wrapped. */
  namedParameters(): Array<[string, tf.Variable]>;
}

/** Training batches with a resumable cursor (an `@relora/data` BatchLoader satisfies it). */
export interface TrainSource {
  next(): Batch;
  /** Where the source stands; a checkpoint records it. */
  cursor(): LoaderCursor;
  /** Continues from `cursor`; throws when it belongs to other data or settings. */
  restore(cursor: LoaderCursor): void;
}

/** Computes each update step's gradients in place of in-process accumulation (e.g. data-parallel workers). */
export interface GradientSource {
  /**
   * The step's `trainer.accumulation` micro-batches from `trainer.train`: mean loss (a scalar
   * tensor the trainer reads and disposes, or a number), gradients of the mean loss keyed by
   * `variable.name` over the trainable variables (the caller disposes them), and tokens.
   */
  gradients(trainer: Trainer): Promise<AccumulatedGradients>;
}

/** Everything a {@link Trainer} runs on. */
export interface TrainerInit {
  model: TrainerModel;
  /** Micro-batches of `[batchSize, maxLength]`. */
  train: TrainSource;
  /** Validation batches; without it, no evaluation. */
  validation?: EvalSource;
  options?: Partial<TrainerOptions>;
  /** Writes a checkpoint of `trainer` and returns where; called every `saveEvery` steps and at the end. */
  save?: (trainer: Trainer) => Promise<string> | string;
  /**
   * First update step, for LoRA/ReLoRA continuing a warmed-up model (the reference's
   * `warmed_up_model`): must equal `options.warmStartSteps`. Default 0.
   */
  startStep?: number;
  /** Where update steps' gradients come from. Default: {@link accumulateGradients} on this thread. */
  gradients?: GradientSource;
}

/** How {@link Trainer.run} ended. */
export interface RunResult {
  reason: 'finished' | 'stopped';
  updateStep: number;
  /** Last evaluation, if any. */
  evalLoss?: number;
  perplexity?: number;
}

/**
 * Trains a model with full-rank, LoRA or ReLoRA updates (Lialin et al. 2023), or another method
 * of `TRAINING_METHODS` (`options.method`: galore, fira, ...), and emits `step`,
 * `eval`, `restart`, `phase`, `checkpoint` and `stall` events; it prints nothing.
 */
export class Trainer extends TrainerEmitter {
  readonly options: TrainerOptions;
  readonly model: TrainerModel;
  readonly train: TrainSource;
  readonly validation?: EvalSource;
  // Private, so only the loop, `restore` and `continueFrom` change them: a write from outside could
  // leave the counters, optimizer, restart cadence and data cursor out of step with each other.
  #lora?: LoRAHandle;
  #update: MethodOptimizer;
  #relora?: ReLoRA;
  #updateStep: number;
  #globalStep = 0;
  #tokensSeen = 0;
  #schedulerStartStep = 0;
  #lastEval?: Readonly<{ updateStep: number; loss: number; perplexity: number }>;
  private lastSaveStep = -1;
  /** Update steps in a row whose gradient norm was exactly 0 (see `stall`). */
  private zeroGradSteps = 0;
  private stopRequested = false;
  private trainable: tf.Variable[] = [];
  private readonly lrAt: (step: number) => number;
  private readonly saveHook?: TrainerInit['save'];
  private readonly gradientSource?: GradientSource;
  private readonly method: TrainingMethod;

  constructor(init: TrainerInit) {
    super();
    this.options = resolveTrainerOptions(init.options);
    this.model = init.model;
    this.train = init.train;
    this.validation = init.validation;
    this.saveHook = init.save;
    this.gradientSource = init.gradients;
    this.#updateStep = init.startStep ?? 0;
    if (this.#updateStep !== 0 && this.#updateStep !== this.options.warmStartSteps) {
      throw new Error(
        `Trainer: startStep (${this.#updateStep}) must equal warmStartSteps (${this.options.warmStartSteps})`,
      );
    }
    this.lrAt = learningRateAt(this.options);
    this.method = requireTrainingMethod(this.options.method ?? this.options.mode);
    this.method.prepareModel?.(this.model, this.options);
    this.#update = this.createMethodOptimizer();
    if (this.options.mode !== 'full' && this.#updateStep >= this.options.warmStartSteps)
      this.enterLoRA(false);
  }

  /** The LoRA layers, once the LoRA phase has begun. */
  get lora(): LoRAHandle | undefined {
    return this.#lora;
  }

  /**
   * The AdamW of the current phase (a fresh one starts with the LoRA phase): every trainable
   * parameter's state, or, for a method with its own update (galore, fira), the state of the
   * parameters it leaves to AdamW.
   */
  get optimizer(): AdamW {
    return this.#update.adamw;
  }

  /** The method's update rule of the current phase (see `TrainingMethod`). */
  get methodOptimizer(): MethodOptimizer {
    return this.#update;
  }

  /** Restart controller of the ReLoRA phase. */
  get relora(): ReLoRA | undefined {
    return this.#relora;
  }

  /** Update steps done (the reference's `update_step`). */
  get updateStep(): number {
    return this.#updateStep;
  }

  /** Micro-batches done (the reference's `global_step`). */
  get globalStep(): number {
    return this.#globalStep;
  }

  /** Training tokens consumed. */
  get tokensSeen(): number {
    return this.#tokensSeen;
  }

  /** Update step at which the LoRA phase's schedule and restart cadence start. */
  get schedulerStartStep(): number {
    return this.#schedulerStartStep;
  }

  /** The latest evaluation. */
  get lastEval(): Readonly<{ updateStep: number; loss: number; perplexity: number }> | undefined {
    return this.#lastEval;
  }

  /** `full` before the switch to LoRA (or in a full-rank run), else `lora`. */
  get phase(): 'full' | 'lora' {
    return this.#lora ? 'lora' : 'full';
  }

  /** Micro-batches per update step (gradient accumulation): totalBatchSize / batchSize. */
  get accumulation(): number {
    return this.options.totalBatchSize / this.options.batchSize;
  }

  /** Merge-and-reinit restarts so far. */
  get nLoraRestarts(): number {
    return this.#relora?.scheduler?.restarts ?? 0;
  }

  /** Optimizer resets so far (0 when no reset mode is on). */
  get nOptimizerResets(): number {
    const resets =
      this.options.resetOptimizerOnRelora ||
      this.options.optimizerRandomPruning > 0 ||
      this.options.optimizerMagnitudePruning > 0;
    return resets ? (this.#relora?.scheduler?.optimizerResets ?? 0) : 0;
  }

  /** Asks the loop to stop after the current update step (and save); for SIGINT handlers. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Trains until `numTrainingSteps` update steps are done or {@link stop} is called. */
  async run(): Promise<RunResult> {
    this.stopRequested = false;
    // An evaluation before training, unless continuing a checkpoint of this step.
    if (!this.lastEval && this.lastSaveStep !== this.updateStep && this.options.evalEvery > 0) {
      await this.evaluate();
    }
    while (this.updateStep < this.options.numTrainingSteps && !this.stopRequested) {
      await this.step();
      // Let timers and signal handlers run between steps: on cpu and wasm the step's reads settle
      // as microtasks, which let none run.
      await nextTick();
    }
    const finished = this.updateStep >= this.options.numTrainingSteps;
    if (finished && this.validation && this.lastEval?.updateStep !== this.updateStep)
      await this.evaluate();
    if (this.lastSaveStep !== this.updateStep) await this.save();
    return {
      reason: finished ? 'finished' : 'stopped',
      updateStep: this.updateStep,
      ...(this.lastEval
        ? { evalLoss: this.lastEval.loss, perplexity: this.lastEval.perplexity }
        : {}),
    };
  }

  /**
   * One update step: the switch to LoRA when the warm start is over, then accumulate, clip,
   * AdamW, and restart, evaluate and save as scheduled. Reads the device back once (loss and
   * gradient norm together), plus what a restart with pruning, an evaluation or a save reads.
   */
  async step(): Promise<void> {
    const o = this.options;
    if (!this.lora && o.mode !== 'full' && this.updateStep >= o.warmStartSteps)
      this.enterLoRA(true);
    const step = this.updateStep;
    const lr = this.lrAt(step);
    const started = performance.now();
    const { loss, grads, tokens } = this.gradientSource
      ? await this.gradientSource.gradients(this)
      : accumulateGradients(this.model, () => this.train.next(), this.accumulation, this.trainable);
    this.#globalStep += this.accumulation;
    this.#tokensSeen += tokens;
    const clipped = clipByGlobalNormTensor(
      grads,
      o.clipGradNorm > 0 ? o.clipGradNorm : Number.POSITIVE_INFINITY,
    );
    const discard = () => tf.dispose([Object.values(grads), Object.values(clipped.grads)]);
    // The step's one read, and it must come before the update: a NaN or infinite loss or norm
    // throws before it reaches the weights. The logged loss and norm ride along in the same read.
    const scalars = typeof loss === 'number' ? [clipped.norm] : [loss, clipped.norm];
    let values: number[];
    try {
      values = await readScalars(scalars);
    } catch (error) {
      discard();
      throw error;
    } finally {
      tf.dispose(scalars);
    }
    const deviceErrors = takeDeviceErrors();
    if (deviceErrors.length > 0) {
      discard();
      throw new DeviceError(step, deviceErrors);
    }
    const lossValue = typeof loss === 'number' ? loss : (values[0] as number);
    const gradNorm = values[values.length - 1] as number;
    if (!Number.isFinite(lossValue) || !Number.isFinite(gradNorm)) {
      discard();
      throw new NonFiniteLossError(step, Number.isFinite(lossValue) ? gradNorm : lossValue);
    }
    try {
      const applied = this.#update.applyGradients(clipped.grads, lr);
      if (applied) await applied;
    } finally {
      discard();
    }
    this.#updateStep = step + 1;
    const periodic = this.#update.afterStep?.(step);
    if (periodic) await periodic;
    const report = await this.relora?.afterStep(step);
    if (report) {
      this.emit('restart', {
        updateStep: this.updateStep,
        merged: report.merged > 0,
        optimizerReset: report.optimizerReset !== undefined,
        nLoraRestarts: this.nLoraRestarts,
        nOptimizerResets: this.nOptimizerResets,
        zeroed: report.optimizerReset?.zeroed ?? 0,
        total: report.optimizerReset?.total ?? 0,
      });
    }
    const seconds = (performance.now() - started) / 1000;
    this.emit('step', {
      updateStep: this.updateStep,
      loss: lossValue,
      lr,
      tokensSeen: this.tokensSeen,
      throughputTokens: tokens / Math.max(seconds, 1e-9),
      gradNorm,
      nLoraRestarts: this.nLoraRestarts,
      nOptimizerResets: this.nOptimizerResets,
      phase: this.phase,
    });
    this.zeroGradSteps = gradNorm === 0 ? this.zeroGradSteps + 1 : 0;
    if (this.zeroGradSteps === STALL_STEPS)
      this.emit('stall', { updateStep: this.updateStep, steps: STALL_STEPS, loss: lossValue });
    if (o.evalEvery > 0 && this.updateStep % o.evalEvery === 0) await this.evaluate();
    if (o.saveEvery > 0 && this.updateStep % o.saveEvery === 0) await this.save();
  }

  /** Evaluates on the validation source (if any; one read for all its batches) and emits `eval`. */
  async evaluate(): Promise<void> {
    if (!this.validation) return;
    const result = await evaluateLoss(this.model, this.validation, this.options.evalTokens);
    this.#lastEval = {
      updateStep: this.updateStep,
      loss: result.loss,
      perplexity: result.perplexity,
    };
    this.emit('eval', {
      updateStep: this.updateStep,
      evalLoss: result.loss,
      perplexity: result.perplexity,
      evalTokens: result.tokens,
    });
  }

  /** Calls the save hook (if any) and emits `checkpoint`. */
  async save(): Promise<void> {
    if (!this.saveHook) return;
    const path = await this.saveHook(this);
    this.lastSaveStep = this.updateStep;
    this.emit('checkpoint', { updateStep: this.updateStep, path });
  }

  /**
   * Begins the LoRA phase now: wraps the projections, starts a fresh optimizer (the reference does
   * not carry the warm start's optimizer over) and, for relora, the restart controller.
   * @param emit - whether to emit `phase` (a resume enters the phase it restores silently).
   */
  enterLoRA(emit: boolean): void {
    this.#lora = switchToLoRA(this.model, this.options, this.updateStep > 0);
    this.#schedulerStartStep = this.updateStep;
    this.#update.dispose();
    this.#update = this.createMethodOptimizer();
    if (this.options.mode === 'relora') this.#relora = createRestartController(this);
    if (!emit) return;
    const all = this.model.namedParameters();
    this.emit('phase', {
      updateStep: this.updateStep,
      phase: 'lora',
      trainableParams: all.filter(([, v]) => v.trainable).reduce((n, [, v]) => n + v.size, 0),
      totalParams: all.reduce((n, [, v]) => n + v.size, 0),
    });
  }

  /**
   * Puts this trainer (freshly built with the checkpoint's model config and options) in the
   * checkpoint's state: phase, weights, optimizer, counters, restart cadence, data cursor and LoRA
   * random counters, so the following steps equal the uninterrupted run's on the same backend.
   * Throws before changing anything when an option that shapes the state differs (see
   * {@link checkResumable}); `where` names the checkpoint in that error.
   */
  restore(checkpoint: TrainerCheckpoint, where = 'checkpoint'): void {
    const { state } = checkpoint;
    checkResumable(state, this.options, where);
    if (this.#update.loadState && !checkpoint.methodState)
      throw new Error(
        `${where}: the checkpoint holds no ${this.method.name} state (method_state.safetensors)`,
      );
    if (state.phase === 'lora' && !this.#lora) {
      // enterLoRA takes the switch step (and whether a warm start came first) from updateStep.
      this.#updateStep = state.schedulerStartStep;
      this.enterLoRA(false);
    }
    checkpoint.loadWeights(this.model);
    const named = this.model.namedParameters();
    if (checkpoint.methodState) this.#update.loadState?.(checkpoint.methodState, named);
    deserializeAdamWState(this.optimizer, checkpoint.optimizer, named);
    this.#updateStep = state.updateStep;
    this.#globalStep = state.globalStep;
    this.#tokensSeen = state.tokensSeen;
    this.#schedulerStartStep = state.schedulerStartStep;
    if (state.restarts) this.#relora = createRestartController(this, state.restarts);
    if (this.#lora) restoreLoraRngState(this.#lora, state.rng.lora);
    this.train.restore(state.dataCursor);
    // The checkpoint is this step's: `run` neither evaluates first nor saves it again at once.
    this.lastSaveStep = this.#updateStep;
  }

  /**
   * Continues a warmed-up run's counters (micro-batches, tokens) and, as the reference does, its
   * data order: the batches the warm run consumed are skipped. Call it after building the trainer
   * with `startStep` and the warmed-up weights. Returns false when `warm.dataCursor` belongs to
   * other data or batch settings: the data then starts from the beginning.
   */
  continueFrom(warm: Pick<CheckpointState, 'globalStep' | 'tokensSeen' | 'dataCursor'>): boolean {
    this.#globalStep = warm.globalStep;
    this.#tokensSeen = warm.tokensSeen;
    try {
      this.train.restore(warm.dataCursor);
      return true;
    } catch {
      return false;
    }
  }

  private createMethodOptimizer(): MethodOptimizer {
    const trainable = this.model.namedParameters().filter(([, v]) => v.trainable);
    this.trainable = trainable.map(([, v]) => v);
    return this.method.create({ options: this.options, model: this.model, trainable });
  }
}
