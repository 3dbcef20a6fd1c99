// A trainer's state out (weights merged for export, raw variables, optimizer, training_state) and back in.
import {
  deserializeAdamWState,
  type SerializedAdamWState,
  serializeAdamWState,
} from '@relora/optim';
import * as tf from '@tensorflow/tfjs-core';
import { loraRngState, restoreLoraRngState } from './lora-phase';
import { createRestartController } from './restart-controller';
import type { Trainer } from './trainer';
import { checkResumable, type TrainingState } from './training-state';

/** training_state.json of `trainer` now. */
export function trainingState(trainer: Trainer): TrainingState {
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
 * every pending LoRA update merged (W + s·A·B; s·A·B alone for `lora_only` layers). The caller
 * disposes the tensors.
 */
export function mergedWeights(trainer: Trainer): Array<[string, tf.Tensor]> {
  const layers = trainer.lora?.layers;
  const out: Array<[string, tf.Tensor]> = [];
  const seen = new Set<string>();
  for (const [name, variable] of trainer.model.namedParameters()) {
    if (name.includes('.lora_')) continue;
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

/** The optimizer state keyed by parameter name. */
export function optimizerState(trainer: Trainer): SerializedAdamWState {
  return serializeAdamWState(trainer.optimizer, trainer.model.namedParameters());
}

/** What {@link restoreTrainer} needs from a checkpoint. */
export interface TrainerCheckpoint {
  state: TrainingState;
  /** Copies the checkpoint's weights into the model; called once the model has the checkpoint's phase (LoRA applied or not). */
  loadWeights: (model: Trainer['model']) => void;
  optimizer: SerializedAdamWState;
}

/**
 * Puts `trainer` (freshly built with the same model config and options) in the checkpoint's state:
 * phase, weights, optimizer, restart cadence, data cursor, random counters. Throws naming the first
 * option that differs (see {@link checkResumable}).
 */
export function restoreTrainer(
  trainer: Trainer,
  checkpoint: TrainerCheckpoint,
  where: string,
): void {
  const { state } = checkpoint;
  checkResumable(state, trainer.options, where);
  if (state.phase === 'lora' && !trainer.lora) {
    trainer.updateStep = state.schedulerStartStep;
    trainer.enterLoRA(false);
  }
  checkpoint.loadWeights(trainer.model);
  deserializeAdamWState(trainer.optimizer, checkpoint.optimizer, trainer.model.namedParameters());
  trainer.updateStep = state.updateStep;
  trainer.globalStep = state.globalStep;
  trainer.tokensSeen = state.tokensSeen;
  trainer.schedulerStartStep = state.schedulerStartStep;
  if (state.restarts) trainer.relora = createRestartController(trainer, state.restarts);
  if (trainer.lora) restoreLoraRngState(trainer.lora, state.rng.lora);
  trainer.train.restore(state.dataCursor as never);
  trainer.markSaved();
}
