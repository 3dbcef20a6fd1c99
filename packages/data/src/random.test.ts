// Tests of the seeded permutation and per-index draws.
import { describe, expect, it } from 'vitest';
import { permuteIndex, uniformAt } from './random';

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
