// The fused kernels as op cases (their outputs flattened into one tensor), for comparing a
// backend's kernels with cpu's through the parity harness of src/replacements/.
import {
  ADAMW_UPDATE_KERNEL,
  DROPOUT_MASK_KERNEL,
  RMS_NORM_GRAD_KERNEL,
  RMS_NORM_KERNEL,
  ROTARY_KERNEL,
} from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import type { OpCase } from '../replacements/llama-ops.test-support';

/** AdamW over `size` elements; v drawn in [0, 1) as a second moment is. */
export function adamwCase(size: number, weightDecay = 0.1): OpCase {
  return {
    name: `fused AdamW update [${size}], weight decay ${weightDecay}`,
    inputs: [{ shape: [size] }, { shape: [size] }, { shape: [size] }, { shape: [size] }],
    fn: (p, g, m, v) => {
      const attrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay, step: 3 };
      const inputs = { param: p, grad: g!, m: m!, v: tf.abs(v!) };
      return tf.concat(tf.engine().runKernel(ADAMW_UPDATE_KERNEL, inputs, attrs) as tf.Tensor[]);
    },
    grad: false,
  };
}

/** A [rows, cols] dropout mask keeping `keep` (80% unless given) as 1.25. */
export function dropoutMaskCase(rows: number, cols: number, keep = 0.8): OpCase {
  return {
    name: `dropout mask [${rows}, ${cols}], keep ${keep}`,
    inputs: [],
    fn: () => {
      const attrs = { rows, cols, keyA: -123456789, keyB: 987654321 };
      const rest = { threshold: Math.floor(keep * 2 ** 31), keptBits: 0x3fa00000 }; // 1.25
      return tf.engine().runKernel(DROPOUT_MASK_KERNEL, {}, { ...attrs, ...rest }) as tf.Tensor;
    },
    grad: false,
  };
}

/** The rotary kernel on x [batch, seq, heads, headDim] with tables [seq, 1, headDim]. */
export function rotaryCase(shape: [number, number, number, number]): OpCase {
  const [, seq, , headDim] = shape;
  return {
    name: `rotary [${shape.join(', ')}]`,
    inputs: [{ shape }, { shape: [seq, 1, headDim] }, { shape: [seq, 1, headDim] }],
    fn: (x, cos, sin) =>
      tf.engine().runKernel(ROTARY_KERNEL, { x, cos: cos!, sin: sin! }) as tf.Tensor,
    grad: false,
  };
}

/** RMSNorm forward and backward on x [..., d]: [y, invRms, dx, dWeight] flattened. */
export function rmsNormCase(shape: number[]): OpCase {
  const d = shape[shape.length - 1]!;
  return {
    name: `RMSNorm and its gradient [${shape.join(', ')}]`,
    inputs: [{ shape }, { shape: [d] }, { shape }],
    fn: (x, weight, dy) => {
      const [y, invRms] = tf
        .engine()
        .runKernel(RMS_NORM_KERNEL, { x, weight: weight! }, { epsilon: 1e-6 }) as tf.Tensor[];
      const grads = tf
        .engine()
        .runKernel(RMS_NORM_GRAD_KERNEL, { dy: dy!, x, weight: weight!, invRms: invRms! });
      return tf.concat([y!, invRms!, ...(grads as tf.Tensor[])].map((t) => tf.reshape(t, [-1])));
    },
    grad: false,
  };
}

// 1001 elements: wasm's SIMD loop and its JS tail (on the heap, shared with threads in the
// threaded build); on webgpu, a last workgroup only partly used.
export const ADAMW = adamwCase(1001);
// Likewise; any element that differs is off by ~100%.
export const DROPOUT_MASK = dropoutMaskCase(37, 29);
// Half a head of 4 floats: wasm's 4-lane vectors, with a table row per position.
export const ROTARY = rotaryCase([2, 5, 3, 8]);
// d = 16: wasm's SIMD loops.
export const RMS_NORM = rmsNormCase([6, 16]);
