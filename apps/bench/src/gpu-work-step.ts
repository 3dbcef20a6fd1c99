// Counts the GPU work of one update step as the trainer runs it (no clocks, no syncs for timing).
import { countGpuWork, type GpuWorkCounts } from '@relora/backend';
import { clipByGlobalNormTensor } from '@relora/optim';
import type { Batch, LossModel } from '@relora/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type { StepUpdate } from './timed-step';

/** Global-norm clip of the reference (`--clip_grad_norm 1.0`), as in the timed step. */
const MAX_GRAD_NORM = 1;

/**
 * Runs one update step shaped like `Trainer.step` (forward, backward, clip to norm 1, the update, and
 * the logged loss and norm read together once) with the webgpu backend's work counted; null off
 * webgpu. The bench's timed steps add syncs of their own to stop their clocks, so they are not
 * the ones counted.
 */
export async function countStepWork(
  model: LossModel,
  optimizer: StepUpdate,
  trainable: tf.Variable[],
  batch: Batch,
): Promise<GpuWorkCounts | null> {
  const counter = countGpuWork();
  if (!counter) return null;
  try {
    const { value, grads } = tf.variableGrads(
      () => model.loss(batch.inputIds, batch.targets, { training: true }),
      trainable,
    );
    const clipped = clipByGlobalNormTensor(grads, MAX_GRAD_NORM);
    // the trainer's one read, before the update (it checks them for NaN): loss and norm stacked,
    // so the queue is waited on once
    const scalars = tf.stack([value, clipped.norm]);
    await scalars.data();
    await optimizer.applyGradients(clipped.grads);
    tf.dispose([scalars, value, clipped.norm, ...Object.values(grads)]);
    tf.dispose(Object.values(clipped.grads));
    return counter.read();
  } finally {
    counter.stop();
  }
}
