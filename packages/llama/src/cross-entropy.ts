// Mean token cross-entropy over logits, fused with its gradient, skipping ignored targets.
import * as tf from '@tensorflow/tfjs-core';

/**
 * -sum_i weights[i] * log softmax(logits)[i, targets[i]], with the gradient written out:
 * weights[i] * (softmax(logits)[i] - oneHot(targets[i])). Only the logits are kept for the
 * backward pass, where unfused ops would keep the log-probabilities and a float oneHot
 * ([N, V] each): half the memory for large vocabularies. The forward gather reads N values from
 * the flat log-probabilities and needs no gradient, so no gather gradient (UnsortedSegmentSum) runs.
 */
const fusedCrossEntropy = tf.customGrad(
  // biome-ignore lint/suspicious/noExplicitAny: tfjs types customGrad's inputs as a variadic union.
  (...args: any[]) => {
    const [logits, targets, weights, save] = args as [
      tf.Tensor2D,
      tf.Tensor1D,
      tf.Tensor1D,
      tf.GradSaveFunc,
    ];
    const [n, vocabSize] = logits.shape;
    const rowStarts = tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(vocabSize, 'int32'));
    const logProbs = tf.reshape(tf.logSoftmax(logits), [-1]);
    const picked = tf.gather(logProbs, tf.add(rowStarts, targets));
    save([logits, targets, weights]);
    return {
      value: tf.neg(tf.sum(tf.mul(picked, weights))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedLogits, savedTargets, savedWeights] = saved as [
          tf.Tensor2D,
          tf.Tensor1D,
          tf.Tensor1D,
        ];
        // int32 oneHot then cast: tfjs-backend-wasm 4.22 writes int32 bits into a float32 oneHot.
        const oneHot = tf.cast(tf.oneHot(savedTargets, vocabSize), 'float32');
        const scale = tf.mul(tf.expandDims(savedWeights, 1), dy);
        return [
          tf.mul(tf.sub(tf.softmax(savedLogits), oneHot), scale),
          tf.zerosLike(savedTargets),
          tf.zerosLike(savedWeights),
        ];
      },
    };
  },
);

/**
 * logits [N, V], targets [N] int32 -> scalar mean of -log softmax(logits)[target] over the
 * positions whose target is in [0, V) and differs from ignoreIndex (0 when none is).
 */
export function crossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  ignoreIndex: number,
): tf.Scalar {
  return tf.tidy(() => {
    const vocabSize = logits.shape[1];
    const valid = tf.logicalAnd(
      tf.logicalAnd(tf.greaterEqual(targets, 0), tf.less(targets, vocabSize)),
      tf.notEqual(targets, ignoreIndex),
    );
    const counted = tf.cast(valid, 'float32');
    const weights = tf.div(counted, tf.maximum(tf.sum(counted), 1));
    // Skipped positions point at column 0 with weight 0, so every index stays in range.
    const safeTargets = tf.mul(targets, tf.cast(valid, 'int32'));
    return fusedCrossEntropy(logits, safeTargets, weights) as tf.Scalar;
  });
}
