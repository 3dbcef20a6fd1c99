// RMSNorm (Zhang & Sennrich 2019), as in Hugging Face's LlamaRMSNorm: x / rms(x) * weight, no bias.
import * as tf from '@tensorflow/tfjs-core';

/** x [..., d], weight [d] -> [..., d]; eps is added to the mean square before the root. */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const meanSquare = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), weight);
  });
}
