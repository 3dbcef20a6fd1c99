// Seeded hashes and generators: the same bits on every backend, platform and process, so a seed
// fixes an initialisation, a mask or a data order for good.

/** murmur3's 32-bit finaliser: a bijective, well-mixed hash of a 32-bit integer, as a signed int32. */
export function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** FNV-1a of a string's UTF-16 code units, as an unsigned 32-bit integer. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A 64-bit digest of `text` as 16 hex characters: FNV-1a beside a second lane with another prime
 * and a shift. Not cryptographic: it tells tokenizers and configurations apart.
 */
export function hashString(text: string): string {
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    b = Math.imul(b ^ text.charCodeAt(i), 0x5bd1e995);
    b ^= b >>> 15;
  }
  return hex(fnv1a32(text)) + hex(b);
}

function hex(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

/**
 * mulberry32: a small seeded generator of uniform numbers in [0, 1) (2^32 period), from the low
 * 32 bits of `seed`. Serial: each call advances it.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// murmur3's finaliser as an unsigned 32-bit integer, the form the draws below divide and mask.
const mix32 = (x: number): number => fmix32(x) >>> 0;

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
