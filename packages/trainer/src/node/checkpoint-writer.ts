// Writes checkpoints/model_<step>/ atomically (temporary directory, then rename) and prunes old ones.
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '@relora/data/node';
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
import {
  captureCheckpointState,
  mergedWeights,
  methodState,
  optimizerState,
} from '../checkpoint-state';
import type { Trainer } from '../trainer';

/** Files of a checkpoint directory. */
export const CHECKPOINT_FILES = {
  /** Hugging Face layout, LoRA merged: what any Llama loader reads. */
  model: 'model.safetensors',
  config: 'config.json',
  /** Every variable unmerged (frozen W, LoRA A/B in PEFT layout): in the LoRA phase and with switchlora. */
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

/**
 * The file of a method's extra state (GaLore/Fira projectors and projected moments), only in
 * checkpoints of methods that keep one; its metadata `relora_method` holds the JSON part.
 */
export const METHOD_STATE_FILE = 'method_state.safetensors';

/** method_state.safetensors bytes, or undefined for a method without extra state. */
async function methodStateSafetensors(trainer: Trainer): Promise<Uint8Array | undefined> {
  const saved = await methodState(trainer);
  if (!saved) return undefined;
  const entries = Object.entries(saved.tensors).map(
    ([key, { shape, data }]): [string, SafetensorsTensor] => [
      key,
      { dtype: 'F32', shape, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) },
    ],
  );
  return encodeSafetensors(entries, { relora_method: JSON.stringify(saved.meta) });
}

/** SHA-256 of `bytes`, lowercase hex: what training_state.json's `files` records. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes `data` to `path` and flushes it to the disk before returning. */
function writeDurable(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a directory's entries (new files, renames) to the disk; a no-op where directories cannot be opened. */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Windows refuses fsync on a directory
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes what an interrupted {@link writeCheckpoint} of a process no longer running left in
 * `dir`: `.tmp-model_<step>-<pid>` (an incomplete checkpoint) and `model_<step>.old-<pid>` (the
 * checkpoint it replaced, put back as `model_<step>` when the new one never arrived). Returns the
 * names it removed or restored.
 */
export function cleanCheckpointDebris(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const cleaned: string[] = [];
  for (const name of readdirSync(dir)) {
    const tmp = /^\.tmp-model_\d+-(\d+)$/.exec(name);
    const old = /^(model_\d+)\.old-(\d+)$/.exec(name);
    const pid = Number(tmp?.[1] ?? old?.[2]);
    if ((!tmp && !old) || processAlive(pid)) continue;
    const path = join(dir, name);
    const final = old ? join(dir, old[1] as string) : undefined;
    if (final && !existsSync(final)) renameSync(path, final);
    else rmSync(path, { recursive: true, force: true });
    cleaned.push(name);
  }
  if (cleaned.length > 0) syncDirectory(dir);
  return cleaned;
}

/** Options of {@link writeCheckpoint}. */
export interface WriteCheckpointOptions {
  /** The run's checkpoints/ directory. */
  dir: string;
  /** The model's config (for config.json and the linear layout). */
  config: LlamaConfig;
  /** Extra config.json fields, e.g. a model variant's (`@relora/cola`'s `colaConfigFields`). */
  configExtra?: Record<string, unknown>;
  /** Keep only the newest N model_<step> directories; null keeps all. */
  keep?: number | null;
  /**
   * Checkpoint paths pruning leaves alone and does not count (another run's, in a directory
   * reused with --overwrite); a path is dropped from the set once this run writes it.
   */
  protect?: Set<string>;
}

/**
 * Writes `model_<step>/` for the trainer's current step: files go to a temporary directory that
 * is renamed into place, so an interrupted write never leaves a damaged checkpoint, and an
 * existing checkpoint of the same step is replaced only once the new one is complete. Tensors are
 * read back asynchronously (webgpu has no synchronous read); the trainer must not step until the
 * promise settles, which `Trainer.save` ensures. training_state.json records the SHA-256 of each
 * tensor file (`files`), which `resumeFromCheckpoint` checks. Resolves to the checkpoint's path.
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
  // SHA-256 of each tensor file, recorded in training_state.json and checked by a resume.
  const files: Record<string, string> = {};
  const writeTensors = (name: string, bytes: Uint8Array) => {
    writeDurable(join(tmp, name), bytes);
    files[name] = sha256Hex(bytes);
  };
  try {
    writeTensors(CHECKPOINT_FILES.model, await mergedSafetensors(trainer, options.config));
    writeDurable(
      join(tmp, CHECKPOINT_FILES.config),
      hfConfigJson(options.config, options.configExtra),
    );
    if (trainer.lora || trainer.methodOptimizer.linears) {
      const raw = await modelStateDict(trainer.model as unknown as LlamaModel);
      writeTensors(CHECKPOINT_FILES.trainingWeights, encodeSafetensors(raw, { format: 'pt' }));
    }
    writeTensors(CHECKPOINT_FILES.optimizer, await optimizerSafetensors(trainer));
    const method = await methodStateSafetensors(trainer);
    if (method) writeTensors(METHOD_STATE_FILE, method);
    writeDurable(
      join(tmp, CHECKPOINT_FILES.state),
      `${JSON.stringify({ ...captureCheckpointState(trainer), files }, null, 2)}\n`,
    );
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  syncDirectory(tmp);
  const old = `${final}.old-${process.pid}`;
  if (existsSync(final)) renameSync(final, old);
  renameSync(tmp, final);
  syncDirectory(options.dir);
  rmSync(old, { recursive: true, force: true });
  options.protect?.delete(final);
  if (options.keep != null) pruneCheckpoints(options.dir, options.keep, options.protect);
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

/** Deletes all but the newest `keep` checkpoints in `dir`, leaving those in `protect` alone. */
export function pruneCheckpoints(
  dir: string,
  keep: number,
  protect: ReadonlySet<string> = new Set(),
): void {
  const all = listCheckpoints(dir).filter(({ path }) => !protect.has(path));
  for (const { path } of all.slice(0, Math.max(0, all.length - keep)))
    rmSync(path, { recursive: true, force: true });
}
