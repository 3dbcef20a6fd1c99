// Mean token cross-entropy over logits, skipping positions whose target is the ignore index.
import * as tf from '@tensorflow/tfjs-core';

/**
 * logits [N, V], targets [N] int32 -> scalar mean of -log softmax(logits)[target] over the
 * positions whose target is in [0, V) and differs from ignoreIndex (0 when none is). Uses
 * oneHot * logSoftmax: its gradient needs no gather on the vocabulary axis, so it runs on every backend.
 */
export function crossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  ignoreIndex: number,
): tf.Scalar {
  return tf.tidy(() => {
    const vocabSize = logits.shape[1];
    // int32 oneHot then cast: tfjs-backend-wasm 4.22 writes int32 bits into a float32 oneHot.
    const oneHot = tf.cast(tf.oneHot(targets, vocabSize), 'float32');
    const picked = tf.mul(tf.logSoftmax(logits), oneHot);
    const counted = tf.cast(
      tf.logicalAnd(
        tf.logicalAnd(tf.greaterEqual(targets, 0), tf.less(targets, vocabSize)),
        tf.notEqual(targets, ignoreIndex),
      ),
      'float32',
    );
    const perToken = tf.mul(tf.sum(picked, 1), counted);
    return tf.div(tf.neg(tf.sum(perToken)), tf.maximum(tf.sum(counted), 1)) as tf.Scalar;
  });
}
