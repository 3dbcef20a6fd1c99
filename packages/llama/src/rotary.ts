// Rotary position embeddings (Su et al. 2021) in Hugging Face Llama's rotate-half convention.
import { ROTARY_KERNEL } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

/** Per-position tables for {@link applyRotary}: cos and signed sin, each [T, 1, headDim]. */
export interface RotaryTables {
  cos: tf.Tensor3D;
  /** sin with its first half negated, so rotate-half needs no negation at run time. */
  sinSigned: tf.Tensor3D;
}

/**
 * Tables for positions 0..seqLen-1: angle(t, i) = t * theta^(-2i / headDim) for i < headDim/2,
 * repeated over both halves (HF: `emb = cat(freqs, freqs)`). `scale` multiplies both tables,
 * which folds attention's 1/sqrt(headDim) into the query rotation for free.
 */
export function rotaryTables(
  seqLen: number,
  headDim: number,
  theta: number,
  scale = 1,
): RotaryTables {
  const half = headDim / 2;
  const cos = new Float32Array(seqLen * headDim);
  const sin = new Float32Array(seqLen * headDim);
  for (let t = 0; t < seqLen; t++) {
    for (let i = 0; i < half; i++) {
      // Rounded to float32 at each step as HF computes inv_freq and the angles, so long positions match.
      const invFreq = Math.fround(1 / Math.fround(theta ** Math.fround((2 * i) / headDim)));
      const angle = Math.fround(t * invFreq);
      const c = Math.cos(angle) * scale;
      const s = Math.sin(angle) * scale;
      cos[t * headDim + i] = c;
      cos[t * headDim + half + i] = c;
      sin[t * headDim + i] = -s;
      sin[t * headDim + half + i] = s;
    }
  }
  return {
    cos: tf.tensor3d(cos, [seqLen, 1, headDim]),
    sinSigned: tf.tensor3d(sin, [seqLen, 1, headDim]),
  };
}

/**
 * Rotates x [B, T, H, headDim] by position: x * cos + rotate_half(x) * sin with
 * rotate_half(x) = cat(-x2, x1) (HF `apply_rotary_pos_emb`). Tables cover exactly T positions.
 * The rotation is linear and its transpose is the rotation by -sin, so the gradient is one more
 * rotation, cheaper than autodiff's graph of split, concat and broadcast products.
 */
export function applyRotary(x: tf.Tensor4D, tables: RotaryTables): tf.Tensor4D {
  const rotation = tf.customGrad((input) => ({
    value: rotate(input as tf.Tensor4D, tables.cos, tables.sinSigned),
    gradFunc: (dy) =>
      tf.tidy(() => rotate(dy as tf.Tensor4D, tables.cos, tf.neg(tables.sinSigned))),
  }));
  return rotation(x) as tf.Tensor4D;
}

/** x * cos + swapHalves(x) * sin, by the fused kernel where the backend has it, else by ops. */
function rotate(x: tf.Tensor4D, cos: tf.Tensor3D, sin: tf.Tensor3D): tf.Tensor4D {
  if (tf.getKernel(ROTARY_KERNEL, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(ROTARY_KERNEL, { x, cos, sin }) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const [x1, x2] = tf.split(x, 2, 3) as [tf.Tensor4D, tf.Tensor4D];
    const swapped = tf.concat([x2, x1], 3);
    return tf.add(tf.mul(x, cos), tf.mul(swapped, sin));
  });
}
