// Mean token cross-entropy over logits, fused with its gradient, skipping ignored targets.
import { CROSS_ENTROPY_GRAD_KERNEL, CROSS_ENTROPY_KERNEL } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

type LossBody = (
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  weights: tf.Tensor1D,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/** tf.customGrad over (logits, targets, weights), with its inputs typed. */
const withGrad = (body: LossBody) =>
  // biome-ignore lint/suspicious/noExplicitAny: tfjs types customGrad's inputs as a variadic union.
  tf.customGrad((...args: any[]) => body(...(args as Parameters<LossBody>)));

/**
 * -sum_i weights[i] * log softmax(logits)[i, targets[i]], with the gradient written out:
 * weights[i] * (softmax(logits)[i] - oneHot(targets[i])). Only the logits are kept for the
 * backward pass, where unfused ops would keep the log-probabilities and a float oneHot
 * ([N, V] each): half the memory for large vocabularies. The forward gather reads N values from
 * the flat log-probabilities and needs no gradient, so no gather gradient (UnsortedSegmentSum) runs.
 */
const fusedCrossEntropy = withGrad((logits, targets, weights, save) => {
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
});

/**
 * The same loss and gradient as two fused kernels (core's CROSS_ENTROPY_KERNEL and its gradient):
 * one loop per row forward, keeping logSumExp [N] for the backward, and one pass over [N, V]
 * backward, where the ops above run ~8 and ~9 kernels over [N, V]. Equal to them within ~1e-6
 * relative, not bit for bit (sums in another order).
 */
const kernelCrossEntropy = withGrad((logits, targets, weights, save) => {
  const [loss, logSumExp] = tf
    .engine()
    .runKernel(CROSS_ENTROPY_KERNEL, { logits, targets, weights }) as tf.Tensor[];
  // logSumExp is disposed with the forward's scope unless saved (only while recording gradients)
  save([logits, targets, weights, logSumExp!]);
  return {
    value: loss!,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedLogits, savedTargets, savedWeights, savedLse] = saved as tf.Tensor[];
      const scale = tf.mul(savedWeights!, dy);
      const dLogits = tf.engine().runKernel(CROSS_ENTROPY_GRAD_KERNEL, {
        logits: savedLogits!,
        targets: savedTargets!,
        scale,
        logSumExp: savedLse!,
      }) as tf.Tensor;
      return [dLogits, tf.zerosLike(savedTargets!), tf.zerosLike(savedWeights!)];
    },
  };
});

const hasKernels = (logits: tf.Tensor, targets: tf.Tensor) =>
  logits.dtype === 'float32' &&
  targets.dtype === 'int32' &&
  tf.getKernel(CROSS_ENTROPY_KERNEL, tf.getBackend()) !== undefined &&
  tf.getKernel(CROSS_ENTROPY_GRAD_KERNEL, tf.getBackend()) !== undefined;

/**
 * logits [N, V], targets [N] int32 -> scalar mean of -log softmax(logits)[target] over the
 * positions whose target is in [0, V) and differs from ignoreIndex (0 when none is). Runs the fused
 * kernels where the current backend registers both (`@relora/backend` does for cpu and wasm),
 * tfjs ops elsewhere (webgpu); the two agree within ~1e-6 relative, not bit for bit.
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
    const loss = hasKernels(logits, safeTargets) ? kernelCrossEntropy : fusedCrossEntropy;
    return loss(logits, safeTargets, weights) as tf.Scalar;
  });
}
