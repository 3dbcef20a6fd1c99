// RMSNorm (Zhang & Sennrich 2019), as in Hugging Face's LlamaRMSNorm: x / rms(x) * weight, no bias.
import { RMS_NORM_GRAD_KERNEL, RMS_NORM_KERNEL } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * x [..., d], weight [d] -> [..., d]; eps is added to the mean square before the root.
 * Where the current backend has the fused kernels (and x and weight are float32, weight [d]),
 * runs them with a hand-written gradient for x and the weight: 2 launches instead of autodiff's
 * ~6 forward and ~12 backward. Elsewhere, tfjs ops differentiated by autodiff.
 */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  if (fusable(x, weight)) return fusedRmsNorm(x, weight, eps);
  return tf.tidy(() => {
    const meanSquare = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), weight);
  });
}

function fusable(x: tf.Tensor, weight: tf.Tensor): boolean {
  const backend = tf.getBackend();
  const d = x.shape[x.rank - 1];
  return (
    x.dtype === 'float32' &&
    weight.dtype === 'float32' &&
    x.rank >= 1 &&
    d !== undefined &&
    d > 0 &&
    weight.rank === 1 &&
    weight.shape[0] === d &&
    tf.getKernel(RMS_NORM_KERNEL, backend) !== undefined &&
    tf.getKernel(RMS_NORM_GRAD_KERNEL, backend) !== undefined
  );
}

function fusedRmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  const norm = tf.customGrad((...args) => {
    const [input, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, invRms] = tf
      .engine()
      .runKernel(RMS_NORM_KERNEL, { x: input, weight: w }, { epsilon: eps }) as tf.Tensor[];
    // invRms is disposed with the forward's scope unless saved (only while recording gradients)
    save([input, w, invRms!]);
    return {
      value: y!,
      gradFunc: (dy, saved) => {
        const [sx, sw, sInvRms] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dyF = dy.dtype === 'float32' ? dy : tf.cast(dy, 'float32');
        return tf
          .engine()
          .runKernel(RMS_NORM_GRAD_KERNEL, { dy: dyF, x: sx, weight: sw, invRms: sInvRms }) as [
          tf.Tensor,
          tf.Tensor,
        ];
      },
    };
  });
  return norm(x, weight);
}
