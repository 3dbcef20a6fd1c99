// The seeded hashes and generators: known values (runs, checkpoints and tokenizer identities
// depend on these exact bits), and the statistics each promises.
import { describe, expect, it } from 'vitest';
import { fmix32, fnv1a32, hashString, mulberry32, permuteIndex, uniformAt } from './random';

describe('fnv1a32, fmix32, hashString', () => {
  it('give the published FNV-1a values and the digests tokenizers were identified by', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(hashString('')).toBe('811c9dc55ad1e806');
    expect(hashString('utf8-bytes;eos=256;pad=257')).toBe('27e3625fdced5b12');
  });

  it("fmix32 is murmur3's finaliser, as a signed int32 (0 stays 0, a bijection on a sample)", () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7 | 0);
    const seen = new Set<number>();
    let int32 = true;
    for (let i = 0; i < 1 << 16; i++) {
      const h = fmix32(i);
      int32 &&= h === (h | 0);
      seen.add(h);
    }
    expect(int32).toBe(true);
    expect(seen.size).toBe(1 << 16);
  });
});

describe('mulberry32', () => {
  it('draws the same sequence for a seed (the values seeded resets and sampling used before)', () => {
    const u = mulberry32(42);
    expect([u(), u(), u()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('is uniform on [0, 1)', () => {
    const u = mulberry32(7);
    const bins = new Array(10).fill(0);
    let inRange = true;
    for (let i = 0; i < 100_000; i++) {
      const x = u();
      inRange &&= x >= 0 && x < 1;
      bins[Math.floor(x * 10)]++;
    }
    expect(inRange).toBe(true);
    // each bin's binomial standard deviation is ~95: allow 5 of them
    for (const n of bins) expect(Math.abs(n - 10_000)).toBeLessThan(475);
  });
});

describe('permuteIndex', () => {
  it.each([1, 2, 7, 100, 1000, 4097])('is a permutation of [0, %i)', (n) => {
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) seen.add(permuteIndex(i, n, 42));
    expect(seen.size).toBe(n);
    expect(Math.max(...seen)).toBe(n - 1);
  });

  it('depends on the seed and shuffles', () => {
    const a = Array.from({ length: 50 }, (_, i) => permuteIndex(i, 50, 1));
    const b = Array.from({ length: 50 }, (_, i) => permuteIndex(i, 50, 2));
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('uniformAt', () => {
  it('is deterministic and roughly uniform', () => {
    const draws = Array.from({ length: 10_000 }, (_, i) => uniformAt(7, i));
    expect(uniformAt(7, 3)).toBe(draws[3]);
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});
