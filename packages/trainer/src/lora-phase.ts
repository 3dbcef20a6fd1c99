// Switches a model to LoRA training, and reads/writes the LoRA layers' random-number counters for exact resumes.
import type { LinearHost } from '@relora/core';
import { applyLoRA, type LoRAHandle, type LoRARngState } from '@relora/lora';
import type { TrainerOptions } from './options';

/**
 * Wraps every attention and MLP projection with LoRA (rank `loraR`, alpha `loraAlpha`, dropout
 * `loraDropout`, trainable scaling per `trainScaling`). As in the reference, plain LoRA from scratch
 * (`lora` mode with no warm start) keeps no frozen weight (`lora_only`).
 */
export function switchToLoRA(
  model: LinearHost,
  o: TrainerOptions,
  warmStarted: boolean,
): LoRAHandle {
  return applyLoRA(model, {
    rank: o.loraR,
    alpha: o.loraAlpha,
    dropout: o.loraDropout,
    trainableScaling: o.trainScaling,
    loraOnly: o.mode === 'lora' && !warmStarted,
    seed: o.seed,
  });
}

/** Module name -> the counters that pick each LoRA layer's next random draws. */
export function loraRngState(handle: LoRAHandle): Record<string, LoRARngState> {
  const state: Record<string, LoRARngState> = {};
  for (const [name, layer] of handle.layers) state[name] = layer.rngState();
  return state;
}

/** Restores counters saved by {@link loraRngState}; throws on a module the checkpoint lacks. */
export function restoreLoraRngState(handle: LoRAHandle, state: Record<string, LoRARngState>): void {
  for (const [name, layer] of handle.layers) {
    const saved = state[name];
    if (!saved) throw new Error(`checkpoint has no LoRA random state for ${name}`);
    layer.restoreRngState(saved);
  }
}

/**
 * Sets every LoRA layer's dropout counter to `call`: the next training forward draws its masks
 * from it (data-parallel shards pick theirs from the step, micro-batch and shard).
 */
export function setDropoutCalls(handle: LoRAHandle, call: number): void {
  for (const [, layer] of handle.layers) layer.restoreRngState({ dropoutCalls: call });
}
