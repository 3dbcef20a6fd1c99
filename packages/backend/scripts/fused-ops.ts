// RMSNorm and SwiGLU with hand-written gradients (tf.customGrad), to measure what they would save in @relora/llama.
import * as tf from '@tensorflow/tfjs-core';

const EPS = 1e-6;

/**
 * x [rows, d] * rsqrt(mean(x², -1) + eps) * w [d]. Gradient, with r = rsqrt(...) and g = dy * w:
 * dx = r g - x r³ mean(g x, -1); dw = sum over rows of dy x r.
 */
export const rmsNormFused = tf.customGrad((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  const r = tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), EPS));
  const xr = tf.mul(x, r);
  save([w, r, xr]);
  return {
    value: tf.mul(xr, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [ws, rs, xrs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const g = tf.mul(dy, ws);
      const dot = tf.mean(tf.mul(g, xrs), -1, true);
      return [tf.mul(tf.sub(g, tf.mul(xrs, dot)), rs), tf.sum(tf.mul(dy, xrs), 0)];
    },
  };
}) as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;

/** silu(gate) * up. Gradient: dup = dy silu(gate); dgate = dy up s (1 + gate (1 - s)), s = sigmoid(gate). */
export const swiGluFused = tf.customGrad(
  (gate: tf.Tensor, up: tf.Tensor, save: tf.GradSaveFunc) => {
    const s = tf.sigmoid(gate);
    const silu = tf.mul(gate, s);
    save([up, s, silu]);
    return {
      value: tf.mul(silu, up),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [u, sg, si] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        // d silu / d gate = s + silu (1 - s)
        const dsilu = tf.add(sg, tf.mul(si, tf.sub(1, sg)));
        return [tf.mul(tf.mul(dy, u), dsilu), tf.mul(dy, si)];
      },
    };
  },
) as (gate: tf.Tensor, up: tf.Tensor) => tf.Tensor;
