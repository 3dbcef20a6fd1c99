// Exact quantile of |x| over a Float32Array of any size, by radix selection on the float bits.

// For non-negative floats the IEEE-754 bit pattern, read as an unsigned integer, orders like the value.
const ABS_MASK = 0x7fffffff;

/** The k-th smallest (0-based) of the masked bit patterns: two 16-bit histogram passes, no sort. */
function kthSmallestAbsBits(bits: Uint32Array, k: number): number {
  const high = new Float64Array(1 << 15);
  for (let i = 0; i < bits.length; i++) high[(bits[i]! & ABS_MASK) >>> 16]!++;
  let bucket = 0;
  let below = 0;
  while (below + high[bucket]! <= k) below += high[bucket++]!;
  const low = new Float64Array(1 << 16);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]! & ABS_MASK;
    if (b >>> 16 === bucket) low[b & 0xffff]!++;
  }
  let offset = 0;
  while (below + low[offset]! <= k) below += low[offset++]!;
  return ((bucket << 16) | offset) >>> 0;
}

function bitsToFloat(bits: number): number {
  return new Float32Array(new Uint32Array([bits]).buffer)[0]!;
}

/**
 * `torch.quantile(|values|, q)` with its default linear interpolation, computed exactly in
 * O(n) time and O(1) extra memory (two 32 K / 64 K histograms), so it works for tensors of tens of
 * millions of entries where a sort-based quantile runs out of memory or hits size limits.
 * NaN entries count as larger than every number.
 */
export function quantileOfAbs(values: Float32Array, q: number): number {
  if (values.length === 0) throw new RangeError('quantileOfAbs: values is empty');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantileOfAbs: q must be in [0, 1], got ${q}`);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  // torch computes the rank in the input's dtype (float32)
  const rank = Math.fround(Math.fround(q) * Math.fround(values.length - 1));
  const lower = Math.floor(rank);
  const upper = Math.min(Math.ceil(rank), values.length - 1);
  const a = bitsToFloat(kthSmallestAbsBits(bits, lower));
  if (upper === lower) return a;
  const b = bitsToFloat(kthSmallestAbsBits(bits, upper));
  const weight = rank - lower;
  // torch.lerp's two-sided form, which is exact at both ends
  return Math.fround(weight < 0.5 ? a + weight * (b - a) : b - (b - a) * (1 - weight));
}
