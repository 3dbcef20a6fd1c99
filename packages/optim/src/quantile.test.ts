import { mulberry32 } from '@relora/core';
import { describe, expect, it } from 'vitest';
import { countZeros, magnitudePrune, randomPrune } from './pruning';
import { quantileOfAbs } from './quantile';

// torch.quantile's definition (linear interpolation) over a sorted copy: the slow reference.
function sortedQuantile(values: Float32Array, q: number): number {
  const sorted = Float32Array.from(values, Math.abs).sort();
  const rank = Math.fround(Math.fround(q) * Math.fround(values.length - 1));
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (rank - lower);
}

function randomValues(n: number, seed: number, zeros = 0): Float32Array {
  const uniform = mulberry32(seed);
  return Float32Array.from({ length: n }, () =>
    uniform() < zeros ? 0 : (uniform() - 0.5) * 2 ** (uniform() * 20 - 10),
  );
}

describe('quantileOfAbs', () => {
  it('matches a sort-based quantile, duplicates and zeros included', () => {
    for (const [n, zeros] of [
      [1, 0],
      [2, 0],
      [7, 0.5],
      [1000, 0],
      [4096, 0.99],
      [10001, 0.3],
    ] as const) {
      const values = randomValues(n, n, zeros);
      for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
        const expected = sortedQuantile(values, q);
        // float32 rounding of the interpolated value: relative tolerance
        expect(Math.abs(quantileOfAbs(values, q) - expected)).toBeLessThanOrEqual(1e-6 * expected);
      }
    }
  });

  it('works on a tensor larger than torch.quantile accepts (2^24 + 1 entries)', () => {
    const n = 2 ** 24 + 1;
    const ramp = new Float32Array(n);
    for (let i = 0; i < n; i++) ramp[i] = (i * 7919) % n; // a permutation of 0..n-1, exact in float32
    const rank = Math.fround(Math.fround(0.99) * Math.fround(n - 1));
    expect(quantileOfAbs(ramp, 0.99)).toBe(rank);
    magnitudePrune(ramp, 0.99);
    expect(countZeros(ramp) / n).toBeCloseTo(0.99, 6);
  });

  it('rejects empty input and bad q', () => {
    expect(() => quantileOfAbs(new Float32Array(0), 0.5)).toThrow(/empty/);
    expect(() => quantileOfAbs(new Float32Array(3), 1.5)).toThrow(/q must be in \[0, 1\]/);
  });
});

describe('pruning', () => {
  it('zeroes magnitudes at or below the quantile, as the reference', () => {
    const values = new Float32Array([0.1, -0.5, 0.3, 0.2, -0.4]);
    expect(magnitudePrune(values, 0.5)).toBeCloseTo(0.3, 7);
    expect(Array.from(values)).toEqual([0, Math.fround(-0.5), 0, 0, Math.fround(-0.4)]);
    const interpolated = new Float32Array([0.1, -0.5, 0.3, 0.2, -0.4]);
    expect(magnitudePrune(interpolated, 0.6)).toBeCloseTo(0.34, 6);
    expect(countZeros(interpolated)).toBe(3);
  });

  it('keeps each entry with probability 1 - ratio, reproducibly', () => {
    const a = new Float32Array(200_000).fill(1);
    const b = new Float32Array(200_000).fill(1);
    randomPrune(a, 0.3, mulberry32(42));
    randomPrune(b, 0.3, mulberry32(42));
    expect(countZeros(a) / a.length).toBeCloseTo(0.3, 2);
    expect(a).toEqual(b);
  });
});
