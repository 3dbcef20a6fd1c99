// What a checkpoint records besides tensors (training_state.json), and the errors the loop raises.
import type { RestartSchedulerState } from '@relora/restarts';
import type { TrainerOptions } from './options';

/** Random-number state of each LoRA layer (its seed is fixed; these counters advance). */
export interface LoraRngState {
  /** Merges so far: picks the seed of A's next re-initialisation. */
  merges: number;
  /** Dropout masks drawn so far: picks the seed of the next one. */
  dropoutCalls: number;
}

/** training_state.json: everything needed to continue a run exactly. Plain JSON. */
export interface TrainingState {
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
  /** The training loader's cursor (from `@relora/data`). */
  dataCursor: unknown;
  rng: { seed: number; lora: Record<string, LoraRngState> };
  /** The options the run was started with (a resume checks the ones that shape the state). */
  options: TrainerOptions;
}

/** A non-finite training loss: the update was not applied; the last checkpoint is the last good state. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly updateStep: number,
    readonly loss: number,
  ) {
    super(
      `training loss is ${loss} at update step ${updateStep + 1}: stopped without applying that update; ` +
        'the last checkpoint holds the last good state (try a lower --lr or --clip-grad-norm)',
    );
    this.name = 'NonFiniteLossError';
  }
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

/** Throws naming the first option that differs between a checkpoint's run and this one. */
export function checkResumable(saved: TrainingState, options: TrainerOptions, where: string): void {
  if (saved.version !== 1)
    throw new Error(`${where}: unsupported training state version ${saved.version}`);
  for (const key of RESUME_INVARIANTS) {
    if (saved.options[key] !== options[key]) {
      throw new Error(
        `${where}: the checkpoint was trained with ${key} = ${JSON.stringify(saved.options[key])}, ` +
          `this run has ${JSON.stringify(options[key])}; resume with the same value`,
      );
    }
  }
}
