// Writes checkpoints/model_<step>/ atomically (temporary directory, then rename) and prunes old ones.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  encodeSafetensors,
  hfConfigJson,
  type LlamaConfig,
  type LlamaModel,
  llamaParameterLayout,
  modelStateDict,
  type SafetensorsTensor,
} from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';
import { captureCheckpointState, mergedWeights, optimizerState } from '../checkpoint-state';
import type { Trainer } from '../trainer';

/** Files of a checkpoint directory. */
export const CHECKPOINT_FILES = {
  /** Hugging Face layout, LoRA merged: what any Llama loader reads. */
  model: 'model.safetensors',
  config: 'config.json',
  /** Every variable unmerged (frozen W, LoRA A/B in PEFT layout): only in the LoRA phase. */
  trainingWeights: 'training_weights.safetensors',
  /** AdamW moments by parameter name; its metadata holds the optimizer's JSON state. */
  optimizer: 'optimizer.safetensors',
  state: 'training_state.json',
} as const;

async function f32(tensor: tf.Tensor, transpose: boolean): Promise<SafetensorsTensor> {
  const onDisk = transpose ? tf.transpose(tensor) : tensor;
  const shape = [...onDisk.shape];
  let values: Float32Array;
  try {
    values = (await onDisk.data()) as Float32Array;
  } finally {
    if (onDisk !== tensor) onDisk.dispose();
  }
  return {
    dtype: 'F32',
    shape,
    data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

/**
 * model.safetensors bytes: merged weights, linears stored [out, in] as Hugging Face does. Read one
 * tensor at a time: reading all at once would hold a transposed copy of every weight on the device.
 */
async function mergedSafetensors(trainer: Trainer, config: LlamaConfig): Promise<Uint8Array> {
  const linear = new Set(
    llamaParameterLayout(config)
      .filter((e) => e.kind === 'linear')
      .map((e) => e.name),
  );
  const merged = mergedWeights(trainer);
  try {
    const tensors: Array<[string, SafetensorsTensor]> = [];
    for (const [name, t] of merged) tensors.push([name, await f32(t, linear.has(name))]);
    return encodeSafetensors(tensors, { format: 'pt' });
  } finally {
    tf.dispose(merged.map(([, t]) => t));
  }
}

async function optimizerSafetensors(trainer: Trainer): Promise<Uint8Array> {
  const { meta, tensors } = await optimizerState(trainer);
  const entries = Object.entries(tensors).map(([key, values]): [string, SafetensorsTensor] => {
    const slot = meta.slots.find((s) => key === `${s.key}.m` || key === `${s.key}.v`);
    return [
      key,
      {
        dtype: 'F32',
        shape: slot?.shape ?? [values.length],
        data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      },
    ];
  });
  return encodeSafetensors(entries, { relora_adamw: JSON.stringify(meta) });
}

/** Options of {@link writeCheckpoint}. */
export interface WriteCheckpointOptions {
  /** The run's checkpoints/ directory. */
  dir: string;
  /** The model's config (for config.json and the linear layout). */
  config: LlamaConfig;
  /** Keep only the newest N model_<step> directories; null keeps all. */
  keep?: number | null;
}

/**
 * Writes `model_<step>/` for the trainer's current step: files go to a temporary directory that
 * is renamed into place, so an interrupted write never leaves a damaged checkpoint, and an
 * existing checkpoint of the same step is replaced only once the new one is complete. Tensors are
 * read back asynchronously (webgpu has no synchronous read); the trainer must not step until the
 * promise settles, which `Trainer.save` ensures. Resolves to the checkpoint's path.
 */
export async function writeCheckpoint(
  trainer: Trainer,
  options: WriteCheckpointOptions,
): Promise<string> {
  const step = trainer.updateStep;
  const final = join(options.dir, `model_${step}`);
  const tmp = join(options.dir, `.tmp-model_${step}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(
      join(tmp, CHECKPOINT_FILES.model),
      await mergedSafetensors(trainer, options.config),
    );
    writeFileSync(join(tmp, CHECKPOINT_FILES.config), hfConfigJson(options.config));
    if (trainer.lora) {
      const raw = await modelStateDict(trainer.model as unknown as LlamaModel);
      writeFileSync(
        join(tmp, CHECKPOINT_FILES.trainingWeights),
        encodeSafetensors(raw, { format: 'pt' }),
      );
    }
    writeFileSync(join(tmp, CHECKPOINT_FILES.optimizer), await optimizerSafetensors(trainer));
    writeFileSync(
      join(tmp, CHECKPOINT_FILES.state),
      `${JSON.stringify(captureCheckpointState(trainer), null, 2)}\n`,
    );
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  const old = `${final}.old-${process.pid}`;
  if (existsSync(final)) renameSync(final, old);
  renameSync(tmp, final);
  rmSync(old, { recursive: true, force: true });
  if (options.keep != null) pruneCheckpoints(options.dir, options.keep);
  return final;
}

/** model_<step> directories in `dir`, oldest first. */
export function listCheckpoints(dir: string): Array<{ step: number; path: string }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^model_\d+$/.test(e.name))
    .map((e) => ({ step: Number(e.name.slice('model_'.length)), path: join(dir, e.name) }))
    .sort((a, b) => a.step - b.step);
}

/** Deletes all but the newest `keep` checkpoints in `dir`. */
export function pruneCheckpoints(dir: string, keep: number): void {
  const all = listCheckpoints(dir);
  for (const { path } of all.slice(0, Math.max(0, all.length - keep)))
    rmSync(path, { recursive: true, force: true });
}
