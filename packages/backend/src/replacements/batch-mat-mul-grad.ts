// BatchMatMul gradient that handles broadcast batch dims (tfjs 4.22's returns the broadcast shape and throws).
import * as tf from '@tensorflow/tfjs-core';

// Sums a gradient over the batch dims its input was broadcast along, back to the input's shape.
function reduceTo(grad: tf.Tensor, shape: number[]): tf.Tensor {
  if (tf.util.arraysEqual(grad.shape, shape)) return grad;
  const axes = tf.broadcast_util.getReductionAxes(shape.slice(0, -2), grad.shape.slice(0, -2));
  const summed = axes.length > 0 ? tf.sum(grad, axes) : grad;
  return tf.reshape(summed, shape);
}

// x [..., m, k] -> [prod(...) * m, k]: a weight shared across the batch gets one 2D matmul.
const flat = (x: tf.Tensor) => tf.reshape(x, [-1, x.shape[x.rank - 1]!]);

/**
 * Gradient of `matMul(a, b, transposeA, transposeB)` for any ranks, reducing over broadcast batch
 * dims. A 2D `b` under a batched `a` (a linear layer on [batch, seq, d]) gets its gradient from one
 * 2D matmul over the flattened rows instead of a batched matmul and a sum.
 */
export const batchMatMulGradConfig: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    const dyT = dy as tf.Tensor;
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const ga = transposeA
      ? () => (transposeB ? tf.matMul(b, dyT, true, true) : tf.matMul(b, dyT, false, true))
      : () => (transposeB ? tf.matMul(dyT, b, false, false) : tf.matMul(dyT, b, false, true));
    let gb = transposeA
      ? () => (transposeB ? tf.matMul(dyT, a, true, true) : tf.matMul(a, dyT, false, false))
      : () => (transposeB ? tf.matMul(dyT, a, true, false) : tf.matMul(a, dyT, true, false));
    if (b.rank === 2 && a.rank > 2 && !transposeA) {
      gb = () =>
        transposeB
          ? tf.matMul(flat(dyT), flat(a), true, false)
          : tf.matMul(flat(a), flat(dyT), true, false);
    }
    return { a: () => reduceTo(ga(), a.shape), b: () => reduceTo(gb(), b.shape) };
  },
};
