// Seeded, stateless randomness: a 32-bit mixer, a per-item uniform draw and a seeded permutation.

/** murmur3's 32-bit finaliser: a bijective, well-mixed hash of a 32-bit integer. */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform draw in [0, 1) fixed by `(seed, index)`; `index` may be any safe integer. */
export function uniformAt(seed: number, index: number): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / 2 ** 32) >>> 0;
  return mix32(mix32(seed ^ 0x9e3779b9) ^ mix32(lo) ^ mix32(hi + 0x632be5ab)) / 2 ** 32;
}

/**
 * The image of `index` under a pseudo-random permutation of [0, n) fixed by `seed`: a 4-round
 * Feistel network with cycle walking, so shuffling millions of windows needs no memory at all.
 */
export function permuteIndex(index: number, n: number, seed: number): number {
  if (n <= 1) return index;
  const bits = Math.ceil(Math.log2(n));
  const half = Math.max(1, Math.ceil(bits / 2));
  const size = 2 ** half;
  const mask = size - 1;
  let x = index;
  do {
    let left = Math.floor(x / size);
    let right = x & mask;
    for (let round = 0; round < 4; round++) {
      const f = mix32(mix32(seed + round * 0x9e3779b9) ^ right) & mask;
      const next = left ^ f;
      left = right;
      right = next;
    }
    x = left * size + right;
  } while (x >= n);
  return x;
}
