// Reads a checkpoint directory back: its model config, its training state, and a resume of a trainer from it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromColaConfig } from '@relora/cola';
import { fromCrNetConfig } from '@relora/crnet';
import {
  decodeSafetensors,
  fromHfConfig,
  type HfLlamaConfig,
  type LlamaConfig,
  type LlamaModel,
  loadStateDict,
  type SafetensorsFile,
} from '@relora/llama';
import type { SerializedAdamWMeta } from '@relora/optim';
import type { CheckpointState, TrainerCheckpoint } from '../checkpoint-state';
import type { MethodState } from '../methods/training-method';
import type { Trainer } from '../trainer';
import { CHECKPOINT_FILES, METHOD_STATE_FILE, sha256Hex } from './checkpoint-writer';

function readFile(dir: string, name: string): Buffer {
  const path = join(dir, name);
  if (!existsSync(path)) throw new Error(`${dir}: not a checkpoint (no ${name})`);
  return readFileSync(path);
}

/**
 * Reads and decodes a tensor file. With `files` (training_state.json's hashes) the file's SHA-256
 * must be the one recorded for it; without (a checkpoint written before hashes were recorded, or
 * a directory that is no checkpoint) nothing is checked.
 */
function readSafetensors(
  dir: string,
  name: string,
  files?: Readonly<Record<string, string>>,
): SafetensorsFile {
  try {
    const bytes = readFile(dir, name);
    if (files) {
      const expected = files[name];
      if (expected === undefined)
        throw new Error(`training_state.json records no SHA-256 for this file`);
      const actual = sha256Hex(bytes);
      if (actual !== expected)
        throw new Error(
          `SHA-256 ${actual} differs from ${expected} in training_state.json: the file is damaged or was changed`,
        );
    }
    // A copy: decoded views must be 4-byte aligned for Float32Array reads.
    return decodeSafetensors(new Uint8Array(bytes));
  } catch (error) {
    throw new Error(`${join(dir, name)}: ${(error as Error).message}`);
  }
}

function parseJson<T>(dir: string, name: string): T {
  try {
    return JSON.parse(readFile(dir, name).toString('utf8')) as T;
  } catch (error) {
    throw new Error(`${join(dir, name)}: ${(error as Error).message}`);
  }
}

/**
 * The model config of a checkpoint (or any Hugging Face Llama directory with a config.json); of a
 * CoLA or CR-Net checkpoint (`model_type: "cola"`, `"crnet"`), its LLaMA fields (rank is a
 * resume invariant).
 */
export function readCheckpointConfig(dir: string): LlamaConfig {
  try {
    const json = parseJson<HfLlamaConfig>(dir, CHECKPOINT_FILES.config);
    if (json?.model_type === 'cola') return fromColaConfig(json).config;
    return json?.model_type === 'crnet' ? fromCrNetConfig(json).config : fromHfConfig(json);
  } catch (error) {
    throw new Error(
      `${join(dir, CHECKPOINT_FILES.config)}: ${(error as Error).message.replace(/^.*?config\.json: /, '')}`,
    );
  }
}

/** training_state.json of a checkpoint. */
export function readCheckpointState(dir: string): CheckpointState {
  const state = parseJson<CheckpointState>(dir, CHECKPOINT_FILES.state);
  if (state?.version !== 1 || typeof state.updateStep !== 'number') {
    throw new Error(`${join(dir, CHECKPOINT_FILES.state)}: not a relora-ts training state`);
  }
  const files: unknown = state.files;
  if (files !== undefined) {
    const bad = () =>
      new Error(
        `${join(dir, CHECKPOINT_FILES.state)}: files must map file names to SHA-256 hex digests, got ${JSON.stringify(files)}`,
      );
    if (typeof files !== 'object' || files === null || Array.isArray(files)) throw bad();
    for (const digest of Object.values(files))
      if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest)) throw bad();
  }
  return state;
}

/**
 * Loads model.safetensors (merged weights, HF layout) of `dir` into `model`; for warm starts. Where
 * `dir` has a training_state.json with hashes, the file's SHA-256 is checked first.
 */
export function loadCheckpointWeights(model: LlamaModel, dir: string): void {
  const files = existsSync(join(dir, CHECKPOINT_FILES.state))
    ? readCheckpointState(dir).files
    : undefined;
  const file = readSafetensors(dir, CHECKPOINT_FILES.model, files);
  try {
    loadStateDict(model, file);
  } catch (error) {
    throw new Error(`${join(dir, CHECKPOINT_FILES.model)}: ${(error as Error).message}`);
  }
}

const isCount = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;

/** The optimizer's JSON state from the file's metadata, every field of the type it must have. */
function optimizerMeta(file: SafetensorsFile, where: string): SerializedAdamWMeta {
  let meta: SerializedAdamWMeta;
  try {
    meta = JSON.parse(file.metadata.relora_adamw ?? 'null') as SerializedAdamWMeta;
  } catch (error) {
    throw new Error(`${where}: relora_adamw metadata: ${(error as Error).message}`);
  }
  const bad = (what: string) => new Error(`${where}: relora_adamw metadata: ${what}`);
  if (typeof meta !== 'object' || meta === null) throw bad('missing');
  if (meta.format !== 'relora-adamw' || meta.version !== 1) throw bad('not a relora-adamw state');
  if (!isCount(meta.step))
    throw bad(`step must be an integer >= 0, got ${JSON.stringify(meta.step)}`);
  const o = meta.options as unknown as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null) throw bad('options must be an object');
  for (const key of ['lr', 'beta1', 'beta2', 'epsilon', 'weightDecay']) {
    if (typeof o[key] !== 'number' || !Number.isFinite(o[key]))
      throw bad(`options.${key} must be a finite number, got ${JSON.stringify(o[key])}`);
  }
  if (!Array.isArray(meta.slots)) throw bad('slots must be an array');
  for (const slot of meta.slots) {
    const shape = slot?.shape;
    if (
      typeof slot?.key !== 'string' ||
      !isCount(slot.step) ||
      !Array.isArray(shape) ||
      !shape.every(isCount)
    )
      throw bad(`slot ${JSON.stringify(slot?.key)} must have a key, a step and a shape`);
    const size = shape.reduce((a, b) => a * b, 1);
    for (const moment of ['m', 'v']) {
      const t = file.tensors.get(`${slot.key}.${moment}`);
      if (
        t &&
        (JSON.stringify(t.shape) !== JSON.stringify(shape) || t.data.byteLength !== size * 4)
      )
        throw bad(`${slot.key}.${moment} has shape [${t.shape}], the slot [${shape}]`);
    }
  }
  return meta;
}

/**
 * Checks a tensor file the resume does not load (model.safetensors in the LoRA phase, which
 * training_weights.safetensors supersedes): its SHA-256 where recorded, else that it decodes.
 */
function checkUnread(dir: string, name: string, files?: Readonly<Record<string, string>>): void {
  if (!files) {
    readSafetensors(dir, name);
    return;
  }
  const expected = files[name];
  const actual = sha256Hex(readFile(dir, name));
  if (actual !== expected)
    throw new Error(
      `${join(dir, name)}: ${expected === undefined ? 'training_state.json records no SHA-256 for this file' : `SHA-256 ${actual} differs from ${expected} in training_state.json: the file is damaged or was changed`}`,
    );
}

/**
 * Reads checkpoint `dir` for {@link Trainer.restore} and checks every file of it, the trainer
 * untouched: training_state.json, the optimizer's state, and each tensor file against the SHA-256
 * training_state.json records (`files`; older checkpoints without hashes are only decoded), the
 * merged model.safetensors included in the LoRA phase, where a resume does not load it. Throws
 * naming the file at fault.
 */
export function readCheckpoint(dir: string): TrainerCheckpoint {
  const state = readCheckpointState(dir);
  const optimizerFile = readSafetensors(dir, CHECKPOINT_FILES.optimizer, state.files);
  const meta = optimizerMeta(optimizerFile, join(dir, CHECKPOINT_FILES.optimizer));
  const tensors: Record<string, Float32Array> = {};
  for (const [key, t] of optimizerFile.tensors) {
    if (t.dtype !== 'F32')
      throw new Error(`${join(dir, CHECKPOINT_FILES.optimizer)}: ${key} is ${t.dtype}, not F32`);
    tensors[key] = new Float32Array(
      t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength),
    );
  }
  // Unmerged weights: the LoRA phase's, or those of a method that wraps layers (SwitchLoRA).
  const lora =
    state.phase === 'lora' || state.files?.[CHECKPOINT_FILES.trainingWeights] !== undefined;
  const weightsName = lora ? CHECKPOINT_FILES.trainingWeights : CHECKPOINT_FILES.model;
  const weightsFile = readSafetensors(dir, weightsName, state.files);
  if (lora) checkUnread(dir, CHECKPOINT_FILES.model, state.files);
  const methodState = readMethodState(dir, state.files);
  return {
    state,
    optimizer: { meta, tensors },
    ...(methodState ? { methodState } : {}),
    loadWeights: (model) => {
      try {
        loadStateDict(model as unknown as LlamaModel, weightsFile);
      } catch (error) {
        throw new Error(`${join(dir, weightsName)}: ${(error as Error).message}`);
      }
    },
  };
}

/** method_state.safetensors of `dir` (hash-checked), or undefined where the checkpoint has none. */
function readMethodState(
  dir: string,
  files?: Readonly<Record<string, string>>,
): MethodState | undefined {
  const name = METHOD_STATE_FILE;
  if (files?.[name] === undefined && !existsSync(join(dir, name))) return undefined;
  const file = readSafetensors(dir, name, files);
  const where = join(dir, name);
  let meta: unknown;
  try {
    meta = JSON.parse(file.metadata.relora_method ?? 'null');
  } catch (error) {
    throw new Error(`${where}: relora_method metadata: ${(error as Error).message}`);
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    throw new Error(`${where}: relora_method metadata must be a JSON object`);
  const tensors: MethodState['tensors'] = {};
  for (const [key, t] of file.tensors) {
    if (t.dtype !== 'F32') throw new Error(`${where}: ${key} is ${t.dtype}, not F32`);
    const data = new Float32Array(
      t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength),
    );
    tensors[key] = { shape: [...t.shape], data };
  }
  return { meta: meta as Record<string, unknown>, tensors };
}

/**
 * Continues `trainer` (built with the run's model config and options) from checkpoint `dir`:
 * weights, optimizer, schedule position, restart counts, data cursor and random state, so the
 * following losses equal those of the uninterrupted run on the same backend. Every file is read
 * and checked ({@link readCheckpoint}) before the trainer is touched.
 */
export function resumeFromCheckpoint(trainer: Trainer, dir: string): CheckpointState {
  const checkpoint = readCheckpoint(dir);
  trainer.restore(checkpoint, dir);
  return checkpoint.state;
}
