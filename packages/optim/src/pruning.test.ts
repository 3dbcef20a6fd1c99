import { describe, expect, it } from 'vitest';
import { jointMagnitudePrune, jointRandomPrune, magnitudePrune } from './pruning';

// m and v of one parameter, as float32. Entry 1 has the second-largest |m| but a small v: the
// entry whose update m / sqrt(v) independent masks blow up.
const fixture = () => ({
  m: new Float32Array([0.5, 0.3, 0.2, 0.01, 0.04, 0.1]),
  v: new Float32Array([0.25, 0.01, 0.16, 1e-6, 4e-4, 0.36]),
});
const f32 = (xs: number[]) => Array.from(new Float32Array(xs));

describe('joint pruning of m and v', () => {
  it('independent magnitude masks keep m where v is zeroed (the reference)', () => {
    const { m, v } = fixture();
    magnitudePrune(m, 0.5);
    magnitudePrune(v, 0.5);
    expect(Array.from(m)).toEqual(f32([0.5, 0.3, 0.2, 0, 0, 0]));
    expect(Array.from(v)).toEqual(f32([0.25, 0, 0.16, 0, 0, 0.36]));
    // entry 1: m kept, v zeroed
  });

  it('jointMagnitudePrune keeps both moments where |m| / sqrt(v) is largest', () => {
    const { m, v } = fixture();
    // scores 1, 3, 0.5, 10, 2, 1/6: the 0.5 quantile is 1.5
    const threshold = jointMagnitudePrune(m, v, 0.5);
    expect(threshold).toBeCloseTo(1.5, 5);
    expect(Array.from(m)).toEqual(f32([0, 0.3, 0, 0.01, 0.04, 0]));
    expect(Array.from(v)).toEqual(f32([0, 0.01, 0, 1e-6, 4e-4, 0]));
    for (let i = 0; i < m.length; i++) expect(m[i] === 0).toBe(v[i] === 0);
  });

  it('jointMagnitudePrune zeroes NaN entries in both and refuses unequal lengths', () => {
    const m = new Float32Array([Number.NaN, 1, 2, 3]);
    const v = new Float32Array([1, 1, 1, 1]);
    jointMagnitudePrune(m, v, 0.25);
    expect(Array.from(m)).toEqual([0, 0, 2, 3]);
    expect(Array.from(v)).toEqual([0, 0, 1, 1]);
    expect(() => jointMagnitudePrune(new Float32Array(2), new Float32Array(3), 0.5)).toThrow(
      /same length, got 2 and 3/,
    );
  });

  it('jointRandomPrune draws once per entry and applies the draw to both', () => {
    const draws = [0.9, 0.1, 0.6, 0.4];
    let next = 0;
    const m = new Float32Array([1, 2, 3, 4]);
    const v = new Float32Array([5, 6, 7, 8]);
    jointRandomPrune(m, v, 0.5, () => draws[next++]!);
    expect(next).toBe(4);
    expect(Array.from(m)).toEqual([1, 0, 3, 0]);
    expect(Array.from(v)).toEqual([5, 0, 7, 0]);
  });
});
