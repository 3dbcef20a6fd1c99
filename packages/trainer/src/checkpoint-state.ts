// A checkpoint's state: training_state.json's type, capturing it (and the tensors) from a trainer, and the resume check.
import type { LoaderCursor } from '@relora/data';
import type { LoRAHandle, LoRARngState } from '@relora/lora';
import { type AdamW, type SerializedAdamWState, serializeAdamWState } from '@relora/optim';
import type { ReLoRA, RestartSchedulerState } from '@relora/restarts';
import * as tf from '@tensorflow/tfjs-core';
import { loraRngState } from './lora-phase';
import { trainingMethod } from './methods/registry';
import type { MethodOptimizer, MethodState } from './methods/training-method';
import { TRAINER_DEFAULTS, type TrainerOptions } from './options';

/** training_state.json: everything needed to continue a run exactly. Plain JSON. */
export interface CheckpointState {
  version: 1;
  /** Update steps done (the reference's `update_step`). */
  updateStep: number;
  /** Micro-batches done (the reference's `global_step`). */
  globalStep: number;
  /** Training tokens consumed. */
  tokensSeen: number;
  /** `full` before the switch to LoRA (or in a full-rank run), else `lora`. */
  phase: 'full' | 'lora';
  /** Update step at which the LoRA phase's schedule starts (the reference's `scheduler_start_step`). */
  schedulerStartStep: number;
  nLoraRestarts: number;
  nOptimizerResets: number;
  /** Restart cadence state, in the LoRA phase of a relora run. */
  restarts: RestartSchedulerState | null;
  /** The training loader's cursor. */
  dataCursor: LoaderCursor;
  /** The LoRA layers' random counters by module name (their seeds follow from `seed`). */
  rng: { seed: number; lora: Record<string, LoRARngState> };
  /** The options the run was started with (a resume checks the ones that shape the state). */
  options: TrainerOptions;
  /**
   * SHA-256 (lowercase hex) of each tensor file of the checkpoint by file name, which a resume
   * checks before reading the file. Set by the Node checkpoint writer; absent in older checkpoints.
   */
  files?: Record<string, string>;
}

/**
 * What a checkpoint is taken from: a {@link Trainer}'s read-only state. Declared here rather than
 * taking a `Trainer` so that the trainer can import this module without an import cycle.
 */
export interface CheckpointSource {
  readonly options: TrainerOptions;
  readonly model: { namedParameters(): Array<[string, tf.Variable]> };
  readonly train: { cursor(): LoaderCursor };
  readonly lora: LoRAHandle | undefined;
  readonly relora: ReLoRA | undefined;
  readonly optimizer: AdamW;
  /** The method's update rule, whose extra state (if any) a checkpoint stores beside the AdamW's. */
  readonly methodOptimizer: MethodOptimizer;
  readonly updateStep: number;
  readonly globalStep: number;
  readonly tokensSeen: number;
  readonly phase: 'full' | 'lora';
  readonly schedulerStartStep: number;
  readonly nLoraRestarts: number;
  readonly nOptimizerResets: number;
}

/** A checkpoint as `Trainer.restore` takes it: the state, the weights and the optimizer. */
export interface TrainerCheckpoint {
  state: CheckpointState;
  /** Copies the checkpoint's weights into the model; called once the model has the checkpoint's phase (LoRA applied or not). */
  loadWeights: (model: CheckpointSource['model']) => void;
  optimizer: SerializedAdamWState;
  /** The method's extra state (method_state.safetensors), for methods that keep one (galore, fira). */
  methodState?: MethodState;
}

/** training_state.json of `trainer` now. */
export function captureCheckpointState(trainer: CheckpointSource): CheckpointState {
  return {
    version: 1,
    updateStep: trainer.updateStep,
    globalStep: trainer.globalStep,
    tokensSeen: trainer.tokensSeen,
    phase: trainer.phase,
    schedulerStartStep: trainer.schedulerStartStep,
    nLoraRestarts: trainer.nLoraRestarts,
    nOptimizerResets: trainer.nOptimizerResets,
    restarts: trainer.relora?.scheduler?.state() ?? null,
    dataCursor: trainer.train.cursor(),
    rng: { seed: trainer.options.seed, lora: trainer.lora ? loraRngState(trainer.lora) : {} },
    options: trainer.options,
  };
}

/**
 * The model as a plain LLaMA: Hugging Face names, in-memory layout ([in, out] for linears), with
 * every pending LoRA update merged (W + s·A·B; s·A·B alone for `lora_only` layers), the LoRA
 * phase's or a method's (SwitchLoRA's `linears`). The caller disposes the tensors.
 */
export function mergedWeights(trainer: CheckpointSource): Array<[string, tf.Tensor]> {
  const layers: ReadonlyMap<string, { pendingUpdate(): tf.Tensor }> | undefined =
    trainer.lora?.layers ?? trainer.methodOptimizer.linears;
  const out: Array<[string, tf.Tensor]> = [];
  const seen = new Set<string>();
  for (const [name, variable] of trainer.model.namedParameters()) {
    if (name.includes('.lora_')) continue;
    // A method layer's own factors (SST's sst_v, sst_s, sst_ut) are merged into its weight below.
    const owner = name.slice(0, name.lastIndexOf('.'));
    if (layers?.has(owner) && !name.endsWith('.weight') && !name.endsWith('.bias')) continue;
    const module = name.endsWith('.weight') ? name.slice(0, -'.weight'.length) : '';
    const layer = layers?.get(module);
    out.push([
      name,
      layer ? tf.tidy(() => tf.add(variable, layer.pendingUpdate())) : tf.clone(variable),
    ]);
    seen.add(name);
  }
  for (const [module, layer] of layers ?? []) {
    if (!seen.has(`${module}.weight`)) out.push([`${module}.weight`, layer.pendingUpdate()]);
  }
  return out;
}

/** The optimizer state keyed by parameter name, read back asynchronously (one wait for all moments). */
export function optimizerState(trainer: CheckpointSource): Promise<SerializedAdamWState> {
  return serializeAdamWState(trainer.optimizer, trainer.model.namedParameters());
}

/** The method's state beyond the AdamW's, keyed by parameter name; undefined for methods without one. */
export function methodState(trainer: CheckpointSource): Promise<MethodState> | undefined {
  return trainer.methodOptimizer.saveState?.(trainer.model.namedParameters());
}

/** Options that must match between a checkpoint and the run resuming from it. */
export const RESUME_INVARIANTS = [
  'mode',
  'batchSize',
  'totalBatchSize',
  'maxLength',
  'relora',
  'cycleLength',
  'loraR',
  'trainScaling',
  'warmStartSteps',
  'numTrainingSteps',
  'scheduler',
  'seed',
] as const satisfies ReadonlyArray<keyof TrainerOptions>;

const STATE_COUNTERS = [
  'updateStep',
  'globalStep',
  'tokensSeen',
  'schedulerStartStep',
  'nLoraRestarts',
  'nOptimizerResets',
] as const satisfies ReadonlyArray<keyof CheckpointState>;

/** Throws unless the state's counters are integers >= 0 within this run and its phase and options are well formed. */
function checkStateCounters(saved: CheckpointState, options: TrainerOptions, where: string): void {
  const bad = (what: string) => new Error(`${where}: training_state.json ${what}`);
  for (const key of STATE_COUNTERS) {
    const n: unknown = saved[key];
    if (!Number.isSafeInteger(n) || (n as number) < 0)
      throw bad(`${key} must be an integer >= 0, got ${JSON.stringify(n)}`);
  }
  if (saved.updateStep > options.numTrainingSteps)
    throw bad(
      `updateStep ${saved.updateStep} is beyond num_training_steps ${options.numTrainingSteps}`,
    );
  if (saved.schedulerStartStep > saved.updateStep)
    throw bad(
      `schedulerStartStep ${saved.schedulerStartStep} is after updateStep ${saved.updateStep}`,
    );
  if (saved.phase !== 'full' && saved.phase !== 'lora')
    throw bad(`phase must be "full" or "lora", got ${JSON.stringify(saved.phase)}`);
  if (typeof saved.options !== 'object' || saved.options === null || Array.isArray(saved.options))
    throw bad('options must be an object');
}

/** Throws naming the first option that differs between a checkpoint's run and this one. */
export function checkResumable(
  saved: CheckpointState,
  options: TrainerOptions,
  where: string,
): void {
  if (saved.version !== 1)
    throw new Error(`${where}: unsupported training state version ${saved.version}`);
  checkStateCounters(saved, options, where);
  // Checkpoints from before `method` existed trained their mode's method; options a method added
  // later take their defaults.
  const savedMethod = saved.options.method ?? saved.options.mode;
  if (savedMethod !== options.method)
    throw new Error(
      `${where}: the checkpoint was trained with method = ${JSON.stringify(savedMethod)}, this run has ${JSON.stringify(options.method)}; resume with the same value`,
    );
  for (const key of trainingMethod(savedMethod)?.resumeInvariants ?? []) {
    const value = saved.options[key] ?? TRAINER_DEFAULTS[key];
    if (value !== options[key])
      throw new Error(
        `${where}: the checkpoint was trained with ${key} = ${JSON.stringify(value)}, this run has ${JSON.stringify(options[key])}; resume with the same value`,
      );
  }
  for (const key of RESUME_INVARIANTS) {
    if (saved.options[key] !== options[key]) {
      throw new Error(
        `${where}: the checkpoint was trained with ${key} = ${JSON.stringify(saved.options[key])}, ` +
          `this run has ${JSON.stringify(options[key])}; resume with the same value`,
      );
    }
  }
}
