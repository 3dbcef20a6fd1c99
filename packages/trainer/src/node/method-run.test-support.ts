// The set-up every training-method test shares (a tiny LLaMA run with the method's options) and the
// checks it runs on its checkpoints: exact resume, and a model.safetensors a plain LLaMA reads.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLlama, type LlamaConfig, type LlamaModel } from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainerOptions } from '../options';
import { Trainer, type TrainerModel } from '../trainer';
import { loadCheckpointWeights, resumeFromCheckpoint } from './checkpoint-reader';
import { writeCheckpoint } from './checkpoint-writer';
import { stepLosses, tinyModel } from './tiny-model.test-support';

/** The corpus every method test trains on. */
export const METHOD_TEXT = Array.from(
  { length: 60 },
  (_, i) => `Line ${i}: a small corpus for method tests, number ${i % 9}.`,
);

/** A method test's run: the trainer, its model's config, and extra config.json fields its checkpoints need. */
export interface MethodRun<M extends TrainerModel = LlamaModel> {
  trainer: Trainer;
  config: LlamaConfig;
  model: M;
  configExtra?: Record<string, unknown>;
}

/**
 * A trainer of the tiny LLaMA (seed 1) over {@link METHOD_TEXT}: 40 cosine steps of 2 x 8 tokens, 2
 * warm-up steps, no evaluation, and `options` (the method's) over those. `swap` trains another model
 * of the same config instead (the LLaMA is disposed).
 */
export function methodRun<M extends TrainerModel = LlamaModel>(
  options: Partial<TrainerOptions>,
  swap?: (config: LlamaConfig) => M,
): MethodRun<M> {
  const { loaders, config, model: llama } = tinyModel(METHOD_TEXT, 1);
  let model = llama as TrainerModel as M;
  if (swap) {
    llama.dispose();
    model = swap(config);
  }
  const trainer = new Trainer({
    model,
    train: loaders.train,
    options: {
      scheduler: 'cosine',
      numTrainingSteps: 40,
      batchSize: 2,
      totalBatchSize: 2,
      maxLength: 8,
      warmupSteps: 2,
      evalEvery: 0,
      ...options,
    },
  });
  return { trainer, config, model };
}

/** Trains `run` `steps` steps and checkpoints it into a fresh temporary directory; the checkpoint's path. */
export async function checkpointAfter(
  run: MethodRun<TrainerModel>,
  steps: number,
): Promise<string> {
  await stepLosses(run.trainer, steps);
  const dir = mkdtempSync(join(tmpdir(), `relora-${run.trainer.options.method}-`));
  return writeCheckpoint(run.trainer, { dir, config: run.config, configExtra: run.configExtra });
}

/** A fresh run from `build`, resumed from the checkpoint at `path`. */
export function resumed<R extends MethodRun<TrainerModel>>(build: () => R, path: string): R {
  const run = build();
  resumeFromCheckpoint(run.trainer, path);
  return run;
}

/**
 * Trains a fresh run `before` steps, checkpoints it, and trains `after` more; resumes a second fresh
 * run from the checkpoint (its update step then is `resumedAt`) for `after` steps. Both runs'
 * losses, and the checkpoint's path.
 */
export async function resumedLosses(
  build: () => MethodRun<TrainerModel>,
  before: number,
  after: number,
): Promise<{ uninterrupted: number[]; resumed: number[]; resumedAt: number; path: string }> {
  const a = build();
  const path = await checkpointAfter(a, before);
  const uninterrupted = await stepLosses(a.trainer, after);
  const b = resumed(build, path);
  const resumedAt = b.trainer.updateStep;
  return { uninterrupted, resumed: await stepLosses(b.trainer, after), resumedAt, path };
}

/** A plain LLaMA of `config` holding the weights of the checkpoint's model.safetensors. */
export function loadPlainLlama(config: LlamaConfig, path: string): LlamaModel {
  const fresh = createLlama(config, { seed: 9 });
  loadCheckpointWeights(fresh, path);
  return fresh;
}

/** Every parameter of `model` by name, with its values. */
export async function parameterValues(
  model: TrainerModel,
): Promise<Array<[string, tf.TypedArray]>> {
  const out: Array<[string, tf.TypedArray]> = [];
  for (const [name, v] of model.namedParameters())
    out.push([name, (await v.data()) as tf.TypedArray]);
  return out;
}

/**
 * The largest |logit| difference on one fixed batch between `model` and a plain LLaMA of `config`
 * loaded from the checkpoint's model.safetensors, and that LLaMA's parameter names.
 */
export async function plainLlamaDifference(
  model: { forward(ids: tf.Tensor2D): tf.Tensor },
  config: LlamaConfig,
  path: string,
): Promise<{ difference: number; names: string[] }> {
  const fresh = loadPlainLlama(config, path);
  const ids = tf.tensor2d([[3, 40, 41, 7, 90, 12, 5, 66]], [1, 8], 'int32');
  const want = model.forward(ids);
  const got = fresh.forward(ids);
  const diff = tf.max(tf.abs(tf.sub(got, want)));
  const difference = (await diff.data())[0] as number;
  const names = fresh.namedParameters().map(([n]) => n);
  tf.dispose([ids, want, got, diff]);
  fresh.dispose();
  return { difference, names };
}
