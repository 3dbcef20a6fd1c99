// Dropout masks from a counter-based hash: element i of a mask depends only on (seed, i).
import { DROPOUT_MASK_KERNEL, dropoutMaskAttrs, dropoutMaskBits } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Seed } from './init';

/**
 * The multiplier dropout applies to x [rows, cols]: `scale / (1 - rate)` where an element is kept
 * (probability 1 - rate, to 2^-31), 0 where it is dropped. Passing the LoRA scale s as `scale`
 * folds s·dropout(x) into one multiply.
 *
 * Element i is a hash of (seed, i) rather than the i-th draw of a serial generator (tf.dropout's
 * seedrandom alea), so drawing is cheaper and needs no state beyond the seed: the same seed gives
 * the same mask in every run, on every backend, after a resume. An undefined seed draws a fresh
 * mask from Math.random. Where the backend has `@relora/core`'s `DROPOUT_MASK_KERNEL` (wasm and cpu
 * after `@relora/backend`'s `initBackend`) the kernel draws it into the tensor's own memory;
 * elsewhere core's `dropoutMaskBits` does in JS, with the same bits.
 *
 * @param shape [rows, cols] of the input the mask multiplies.
 * @param rate  dropout probability in [0, 1).
 * @param seed  the mask's seed (a layer's seed and its call counter, see `subSeed`).
 * @param scale factor folded into the kept value; default 1.
 */
export function dropoutMultiplier(
  shape: [number, number],
  rate: number,
  seed: Seed,
  scale = 1,
): tf.Tensor2D {
  if (!(rate >= 0 && rate < 1))
    throw new RangeError(`dropoutMultiplier: rate must be in [0, 1), got ${rate}`);
  const attrs = dropoutMaskAttrs(shape, rate, seed, scale);
  if (tf.getKernel(DROPOUT_MASK_KERNEL, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(DROPOUT_MASK_KERNEL, {}, { ...attrs }) as tf.Tensor2D;
  }
  const values = new Float32Array(shape[0] * shape[1]);
  dropoutMaskBits(new Int32Array(values.buffer), attrs);
  return tf.tensor2d(values, shape);
}
