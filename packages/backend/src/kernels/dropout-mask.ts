// Dropout masks drawn from a counter-based hash as one kernel: the contract and the element's
// definition, backend-neutral.
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Name of the dropout mask kernel. `@relora/lora`'s `dropoutMultiplier` looks it up by this
 * string (it does not import this package), so it is a contract: never rename it.
 */
export const DROPOUT_MASK_KERNEL = 'ReloraDropoutMask';

/**
 * Attributes of {@link DROPOUT_MASK_KERNEL}. The kernel has no tensor inputs; it returns one new
 * float32 tensor [rows, cols] whose element i (row-major) has the bits
 * `keptBits & (((h >>> 1) - threshold) >> 31)`, with
 * `h = fmix32(Math.imul(i ^ keyA, 0x9e3779b1) ^ keyB)` (murmur3's 32-bit finaliser): `keptBits`
 * where the hash's top 31 bits are below `threshold`, +0 elsewhere. `@relora/lora` derives the
 * keys from a seed, `threshold` as floor((1 - rate) 2^31) and `keptBits` from scale / (1 - rate).
 */
export interface DropoutMaskAttrs {
  /** Rows of the mask (integer >= 0). */
  rows: number;
  /** Columns of the mask (integer >= 0). */
  cols: number;
  /** First 32-bit key, XORed into the element index (signed int32). */
  keyA: number;
  /** Second 32-bit key, XORed in before the finaliser (signed int32). */
  keyB: number;
  /** Keep probability times 2^31, an integer in [0, 2^31] (2^31: keep everything). */
  threshold: number;
  /** The float32 bit pattern written where an element is kept, as a signed int32. */
  keptBits: number;
}

const isInt32 = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;

/**
 * Checks a kernel call's attributes and returns them; `where` names the backend in error messages.
 * The keys and `keptBits` must be signed int32 values, one representation for every backend: a
 * float or a wider integer (which `^` and `&` would silently truncate) is a caller's bug.
 */
export function checkDropoutMaskAttrs(
  attrs: tf.NamedAttrMap | undefined,
  where: string,
): DropoutMaskAttrs {
  const a = (attrs ?? {}) as unknown as DropoutMaskAttrs;
  const fail = (message: string): never => {
    throw new Error(`${DROPOUT_MASK_KERNEL} (${where}): ${message}`);
  };
  for (const key of ['rows', 'cols'] as const) {
    const v = a[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      fail(`attr '${key}' must be an integer >= 0, got ${String(v)}`);
  }
  for (const key of ['keyA', 'keyB', 'keptBits'] as const) {
    if (!isInt32(a[key]))
      fail(`attr '${key}' must be a signed 32-bit integer, got ${String(a[key])}`);
  }
  const t = a.threshold;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t > 2 ** 31)
    fail(`attr 'threshold' must be an integer in [0, 2^31], got ${String(t)}`);
  return a;
}

/**
 * Writes the mask's elements `from`..`bits.length - 1` (element index i at `bits[i]`) as float32
 * bit patterns into `bits`, a view of the output. The one scalar definition of the element: the
 * cpu kernel runs it over a whole mask, the wasm kernel over the `n % 4` elements its SIMD loop
 * leaves (and all of them without SIMD); `@relora/lora`'s fallback for other backends repeats it.
 */
export function dropoutMaskBits(bits: Int32Array, attrs: DropoutMaskAttrs, from = 0): void {
  const { keyA, keyB, threshold, keptBits } = attrs;
  for (let i = from; i < bits.length; i++) {
    // i ^ keyA and the odd multiplier are bijections, so no two elements share an input to the
    // finaliser; keyB then separates streams whose keyA happens to collide.
    const h = fmix32(Math.imul(i ^ keyA, 0x9e3779b1) ^ keyB);
    // h >>> 1 is in [0, 2^31) and threshold in [0, 2^31], so the difference fits an int32 and
    // its sign is `h >>> 1 < threshold`: >> 31 gives -1 (keep keptBits) or 0 (drop), no branch.
    bits[i] = keptBits & (((h >>> 1) - threshold) >> 31);
  }
}

/** murmur3's 32-bit finaliser: every input bit flips each output bit with probability ~1/2. */
function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
