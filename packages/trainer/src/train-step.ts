// One update's gradients: micro-batches with gradient accumulation, as the reference (loss / accumulation, summed).
import * as tf from '@tensorflow/tfjs-core';

/** One micro-batch: `targets[b, t]` is the token after `inputIds[b, t]`; int32 [batch, seq]. */
export interface Batch {
  inputIds: tf.Tensor2D;
  targets: tf.Tensor2D;
}

/** What the loop needs from a model: a loss whose dropout follows `training`. */
export interface LossModel {
  loss(inputIds: tf.Tensor2D, targets: tf.Tensor2D, options?: { training?: boolean }): tf.Scalar;
}

/** Summed gradients of one update step. The caller disposes `grads`, and `loss` when a tensor. */
export interface AccumulatedGradients {
  /**
   * Mean loss over the micro-batches (nats per token): a float32 scalar not read yet, so the
   * trainer reads it with the step's other metrics at once, or a number where it was read already
   * (data-parallel workers send theirs as numbers).
   */
  loss: tf.Scalar | number;
  /** Gradient of the mean loss, keyed by `variable.name`. */
  grads: tf.NamedTensorMap;
  /** Tokens in the micro-batches. */
  tokens: number;
}

/**
 * Runs `accumulation` micro-batches from `nextBatch`, each loss scaled by 1 / accumulation, and
 * sums the gradients over `variables`: the gradient of the mean loss. Disposes the batches. Reads
 * nothing back: `loss` is a scalar tensor, which the caller disposes.
 */
export function accumulateGradients(
  model: LossModel,
  nextBatch: () => Batch,
  accumulation: number,
  variables: tf.Variable[],
): AccumulatedGradients & { loss: tf.Scalar } {
  let grads: tf.NamedTensorMap = {};
  let lossSum: tf.Scalar = tf.scalar(0);
  let tokens = 0;
  for (let i = 0; i < accumulation; i++) {
    const batch = nextBatch();
    tokens += batch.inputIds.size;
    const { value, grads: micro } = tf.variableGrads(
      () =>
        tf.div(
          model.loss(batch.inputIds, batch.targets, { training: true }),
          accumulation,
        ) as tf.Scalar,
      variables,
    );
    tf.dispose([batch.inputIds, batch.targets]);
    const previousSum = lossSum;
    lossSum = tf.add(lossSum, value);
    tf.dispose([previousSum, value]);
    if (i === 0) {
      grads = micro;
      continue;
    }
    for (const [name, g] of Object.entries(micro)) {
      const before = grads[name];
      grads[name] = before ? tf.add(before, g) : g;
      if (before) tf.dispose([before, g]);
    }
  }
  return { loss: lossSum, grads, tokens };
}
