// One timed update step (forward, backward, clipping, the update) and a timed forward pass.
import { clipByGlobalNormTensor } from '@relora/optim';
import type { Batch, LossModel } from '@relora/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { now, syncOn } from './measure-kit';

export interface StepTiming {
  /** Forward and backward (`tf.variableGrads`), ms. */
  gradMs: number;
  /** Clipping and the update (AdamW or the method's), ms. */
  optimizerMs: number;
  loss: number;
}

/**
 * The update a step applies to clipped gradients (keyed by `variable.name`; the step disposes
 * them after): an `@relora/optim` AdamW, or a training method's update (see `method-step.ts`).
 */
export interface StepUpdate {
  applyGradients(grads: tf.NamedTensorMap): void | Promise<void>;
}

/** Global-norm clip of the reference (`--clip_grad_norm 1.0`). */
export const MAX_GRAD_NORM = 1;

/** Builds the step the reference trains with: loss, gradients, clip to norm 1, the update. */
export function createTimedStep(
  model: LossModel,
  optimizer: StepUpdate,
  trainable: tf.Variable[],
  batch: Batch,
) {
  const lastVariable = trainable[trainable.length - 1];
  if (!lastVariable) throw new Error('createTimedStep: the model has no trainable variables');

  async function step(): Promise<StepTiming> {
    const start = now();
    const { value, grads } = tf.variableGrads(
      () => model.loss(batch.inputIds, batch.targets, { training: true }),
      trainable,
    );
    const gradList = Object.values(grads);
    await syncOn(gradList[gradList.length - 1] ?? value);
    const gradsDone = now();
    // The norm stays unread: a read would add a wait inside the timed clipping and AdamW.
    const clipped = clipByGlobalNormTensor(grads, MAX_GRAD_NORM);
    await optimizer.applyGradients(clipped.grads);
    await syncOn(lastVariable!);
    const end = now();
    const loss = (await value.data())[0] ?? Number.NaN;
    tf.dispose([value, clipped.norm, ...gradList, ...Object.values(clipped.grads)]);
    return { gradMs: gradsDone - start, optimizerMs: end - gradsDone, loss };
  }

  /** Forward alone, no tape: the loss in training mode (dropout on), ms. */
  async function forward(): Promise<number> {
    const start = now();
    const loss = tf.tidy(() => model.loss(batch.inputIds, batch.targets, { training: true }));
    await loss.data();
    const ms = now() - start;
    loss.dispose();
    return ms;
  }

  return { step, forward };
}
