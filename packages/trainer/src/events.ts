// The trainer's events and a small typed emitter, so apps print and log while the library stays silent.

/** One update step, as logged to metrics.jsonl (the reference's wandb fields). */
export interface StepEvent {
  /** Update steps done, counting this one (1-based, like the reference's `update_step`). */
  updateStep: number;
  /** Mean training loss over this step's micro-batches (nats per token). */
  loss: number;
  /** Learning rate this step's update used. */
  lr: number;
  /** Training tokens consumed since the start of the run. */
  tokensSeen: number;
  /** Training tokens per second over this update step. */
  throughputTokens: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Merge-and-reinit restarts so far. */
  nLoraRestarts: number;
  /** Optimizer resets so far. */
  nOptimizerResets: number;
  /** `full` during a warm start or a full-rank run, else `lora`. */
  phase: 'full' | 'lora';
}

/** One evaluation on the validation split. */
export interface EvalEvent {
  updateStep: number;
  /** Mean validation loss per token (nats). */
  evalLoss: number;
  /** exp(evalLoss). */
  perplexity: number;
  /** Validation tokens the loss averages over. */
  evalTokens: number;
}

/** A merge-and-reinit and/or optimizer reset after update step `updateStep`. */
export interface RestartEvent {
  updateStep: number;
  merged: boolean;
  optimizerReset: boolean;
  nLoraRestarts: number;
  nOptimizerResets: number;
  /** Adam moment entries of LoRA parameters set to zero by the reset, and their total. */
  zeroed: number;
  total: number;
}

/** The switch from the full-rank warm start to LoRA training. */
export interface PhaseEvent {
  updateStep: number;
  phase: 'lora';
  trainableParams: number;
  totalParams: number;
}

/** A checkpoint written by the trainer's `save` hook. */
export interface CheckpointEvent {
  updateStep: number;
  /** Where the hook wrote it (a directory for the Node writer). */
  path: string;
}

/**
 * The gradient norm has been exactly 0 for {@link STALL_STEPS} update steps in a row: the weights no
 * longer change (a run diverged while staying finite, e.g. saturated by a far too high learning
 * rate without clipping, its loss stuck near ln(vocabSize)). Emitted once per such streak; the
 * trainer keeps going.
 */
export interface StallEvent {
  /** The update step that completed the streak. */
  updateStep: number;
  /** Consecutive update steps with a zero gradient norm so far. */
  steps: number;
  /** Mean training loss of that step. */
  loss: number;
}

/** Update steps in a row with a zero gradient norm before a `stall` event. */
export const STALL_STEPS = 5;

/** Event name to payload. */
export interface TrainerEventMap {
  step: StepEvent;
  eval: EvalEvent;
  restart: RestartEvent;
  phase: PhaseEvent;
  checkpoint: CheckpointEvent;
  stall: StallEvent;
}

type Listener<T> = (event: T) => void;

/** A minimal typed event emitter (no Node dependency, so the library bundles for browsers). */
export class TrainerEmitter {
  private readonly listeners = new Map<keyof TrainerEventMap, Set<Listener<never>>>();

  /** Subscribes; returns a function that unsubscribes. */
  on<K extends keyof TrainerEventMap>(name: K, listener: Listener<TrainerEventMap[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  protected emit<K extends keyof TrainerEventMap>(name: K, event: TrainerEventMap[K]): void {
    for (const listener of this.listeners.get(name) ?? [])
      (listener as Listener<TrainerEventMap[K]>)(event);
  }
}
