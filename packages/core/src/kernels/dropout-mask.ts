// Dropout masks drawn from a counter-based hash as one kernel: its name, attributes and element.
import { fmix32, fnv1a32 } from '../random';

/**
 * Name of the dropout mask kernel: `@relora/lora`'s `dropoutMultiplier` runs it where a backend
 * registers it (`@relora/backend` does for wasm, cpu and webgpu). A contract: never rename it.
 */
export const DROPOUT_MASK_KERNEL = 'ReloraDropoutMask';

/**
 * Attributes of {@link DROPOUT_MASK_KERNEL}. The kernel has no tensor inputs; it returns one new
 * float32 tensor [rows, cols] whose element i (row-major) has the bits
 * `keptBits & (((h >>> 1) - threshold) >> 31)`, with
 * `h = fmix32(Math.imul(i ^ keyA, 0x9e3779b1) ^ keyB)` (murmur3's 32-bit finaliser): `keptBits`
 * where the hash's top 31 bits are below `threshold`, +0 elsewhere. {@link dropoutMaskAttrs}
 * derives them from a rate, a seed and a scale.
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

/** What a mask's keys are drawn from: a number or string fixes them; undefined draws fresh ones. */
export type DropoutSeed = number | string | undefined;

/**
 * The attributes of a [rows, cols] mask that keeps an element with probability 1 - rate (to
 * 2^-31) as `scale / (1 - rate)` and drops it to +0. The keys come from the seed's string form
 * (FNV-1a, then murmur3's finaliser, twice); an undefined seed draws them from Math.random.
 */
export function dropoutMaskAttrs(
  shape: [number, number],
  rate: number,
  seed: DropoutSeed,
  scale = 1,
): DropoutMaskAttrs {
  const keep = 1 - rate;
  // Kept when the hash's top 31 bits, as an integer, are below keep·2^31.
  const threshold = Math.floor(keep * 2 ** 31);
  // Kept's float32 bits, ANDed with -1 (kept) or 0 (dropped): no branch per element.
  const keptBits = new Int32Array(Float32Array.of(scale / keep).buffer)[0] as number;
  let keyA: number;
  let keyB: number;
  if (seed === undefined) {
    keyA = (Math.random() * 2 ** 32) | 0;
    keyB = (Math.random() * 2 ** 32) | 0;
  } else {
    keyA = fmix32(fnv1a32(String(seed)));
    keyB = fmix32(keyA ^ 0x5bd1e995);
  }
  return { rows: shape[0], cols: shape[1], keyA, keyB, threshold, keptBits };
}

/**
 * Writes the mask's elements `from`..`bits.length - 1` (element index i at `bits[i]`) as float32
 * bit patterns into `bits`, a view of the output. The one scalar definition of the element: the
 * cpu kernel runs it over a whole mask, the wasm kernel over the `n % 4` elements its SIMD loop
 * leaves (and all of them without SIMD), `@relora/lora` over a mask on backends without the kernel.
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
