// Dropout masks from a counter-based hash: element i of a mask depends only on (seed, i).
import * as tf from '@tensorflow/tfjs-core';
import type { Seed } from './init';

/**
 * Name of the kernel that draws a mask, registered by `@relora/backend` for wasm (SIMD on the
 * heap) and cpu as `DROPOUT_MASK_KERNEL`. This is the contract with that package: lora must not
 * import backend at run time, so the name is repeated here, and a test checks the two are equal.
 * No inputs; attrs `{ rows, cols, keyA, keyB, threshold, keptBits }` as computed below (keys and
 * keptBits as signed int32, threshold in [0, 2^31]); output a new float32 tensor [rows, cols] with
 * the bits of this file's JS loop.
 */
export const DROPOUT_MASK_KERNEL = 'ReloraDropoutMask';

/**
 * The multiplier dropout applies to x [rows, cols]: `scale / (1 - rate)` where an element is kept
 * (probability 1 - rate, to 2^-31), 0 where it is dropped. Passing the LoRA scale s as `scale`
 * folds s·dropout(x) into one multiply.
 *
 * Element i is a hash of (seed, i) rather than the i-th draw of a serial generator (tf.dropout's
 * seedrandom alea), so drawing costs ~3 ns per element in JS instead of ~10 and needs no state
 * beyond the seed: the same seed gives the same mask in every run, on every backend, after a
 * resume. An undefined seed draws a fresh mask from Math.random. Where the backend has
 * {@link DROPOUT_MASK_KERNEL} (wasm and cpu after `@relora/backend`'s `initBackend`) the kernel
 * draws it into the tensor's own memory (on wasm as SIMD, ~0.8 ns per element: a demo step's 28
 * masks in ~2 ms instead of 9-13 with this loop and the copy into the heap); elsewhere the JS loop
 * below does, with the same bits.
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
  const keep = 1 - rate;
  // Kept when the hash's top 31 bits, as an integer, are below keep·2^31.
  const threshold = Math.floor(keep * 2 ** 31);
  // Kept's float32 bits, ANDed with -1 (kept) or 0 (dropped): no branch per element.
  const keptBits = new Int32Array(Float32Array.of(scale / keep).buffer)[0] as number;
  const [keyA, keyB] = seedKeys(seed);
  if (tf.getKernel(DROPOUT_MASK_KERNEL, tf.getBackend()) !== undefined) {
    const attrs = { rows: shape[0], cols: shape[1], keyA, keyB, threshold, keptBits };
    return tf.engine().runKernel(DROPOUT_MASK_KERNEL, {}, attrs) as tf.Tensor2D;
  }
  const values = new Float32Array(shape[0] * shape[1]);
  const bits = new Int32Array(values.buffer);
  for (let i = 0; i < bits.length; i++) {
    // i ^ keyA and the odd multiplier are bijections, so no two elements share an input to the
    // finaliser; keyB then separates streams whose keyA happens to collide.
    const h = finalise(Math.imul(i ^ keyA, 0x9e3779b1) ^ keyB);
    // Both sides are in [0, 2^31], so the difference's sign bit is the comparison.
    bits[i] = keptBits & (((h >>> 1) - threshold) >> 31);
  }
  return tf.tensor2d(values, shape);
}

/** Two 32-bit keys from a seed's string form (FNV-1a, then murmur3's finaliser, twice). */
function seedKeys(seed: Seed): [number, number] {
  if (seed === undefined) {
    return [(Math.random() * 2 ** 32) | 0, (Math.random() * 2 ** 32) | 0];
  }
  const text = String(seed);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  const keyA = finalise(hash);
  return [keyA, finalise(keyA ^ 0x5bd1e995)];
}

/** murmur3's 32-bit finaliser: every input bit flips each output bit with probability ~1/2. */
function finalise(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
