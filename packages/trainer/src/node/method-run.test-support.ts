// Checks a method test runs on its checkpoints: exact resume, and a model.safetensors a plain LLaMA reads.
import { createLlama, type LlamaConfig } from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';
import type { Trainer } from '../trainer';
import { loadCheckpointWeights, resumeFromCheckpoint } from './checkpoint-reader';
import { writeCheckpoint } from './checkpoint-writer';
import { stepLosses } from './tiny-model.test-support';

/**
 * Trains a fresh run `before` steps, checkpoints it into `dir`, and trains `after` more; resumes a
 * second fresh run from the checkpoint for `after` steps. Both runs' losses, and the path.
 */
export async function resumedLosses(
  build: () => { trainer: Trainer; config: LlamaConfig },
  dir: string,
  before: number,
  after: number,
): Promise<{ uninterrupted: number[]; resumed: number[]; path: string }> {
  const a = build();
  await stepLosses(a.trainer, before);
  const path = await writeCheckpoint(a.trainer, { dir, config: a.config });
  const uninterrupted = await stepLosses(a.trainer, after);
  const b = build();
  resumeFromCheckpoint(b.trainer, path);
  return { uninterrupted, resumed: await stepLosses(b.trainer, after), path };
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
  const fresh = createLlama(config, { seed: 9 });
  loadCheckpointWeights(fresh, path);
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
