// The CoLA projection y = σ(x A) B (SiLU between the factors) and its recomputing variant, CoLA-M.
import * as tf from '@tensorflow/tfjs-core';

/**
 * x [N, in], A [in, r], B [r, out] -> σ(x A) B [N, out], σ = SiLU (the official `ColaLayer`
 * uses the model's `hidden_act`). Differentiated by autodiff, which keeps x A, its sigmoid and
 * σ(x A) for the backward.
 */
export function colaProjection(x: tf.Tensor2D, a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const z = tf.matMul(x, a);
    // silu(z) = z * sigmoid(z), as @relora/llama's SwiGLU computes it.
    return tf.matMul(tf.mul(z, tf.sigmoid(z)), b);
  });
}

/**
 * The same values as {@link colaProjection}; the backward keeps only x (and the factors) and
 * recomputes σ(x A) from them (CoLA-M's activation checkpointing, arXiv 2502.10940). The
 * gradient runs the ops autodiff runs for the plain projection, in its order, so both give the
 * same floats. (tfjs cannot call `tf.grads` inside a gradient: the nested call ends the outer tape.)
 */
export function colaProjectionRecomputed(
  x: tf.Tensor2D,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
): tf.Tensor2D {
  const projection = tf.customGrad((...args) => {
    const [input, factorA, factorB, save] = args as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.GradSaveFunc,
    ];
    // The forward runs with the tape off: σ(x A) is freed at the end of this call.
    save([input, factorA, factorB]);
    return {
      value: colaProjection(input, factorA, factorB),
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [xs, as, bs] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
          const z = tf.matMul(xs, as);
          const s = tf.sigmoid(z);
          const dyF = dy as tf.Tensor2D;
          // BatchMatMul's gradient, then Mul's (z * s), then Sigmoid's (s (1 - s)), then BatchMatMul's.
          const dB = tf.matMul(tf.mul(z, s), dyF, true, false);
          const dAct = tf.matMul(dyF, bs, false, true);
          const dz = tf.add(tf.mul(dAct, s), tf.mul(tf.mul(dAct, z), tf.mul(s, tf.sub(1, s))));
          return [tf.matMul(dz, as, false, true), tf.matMul(xs, dz, true, false), dB];
        }),
    };
  });
  return projection(x, a, b) as tf.Tensor2D;
}
