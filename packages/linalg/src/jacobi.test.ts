import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './jacobi-eigen';
import { jacobiSvd } from './jacobi-svd';
import { matrixWithSpectrum } from './linalg.test-support';

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('symmetricEigen', () => {
  it('finds the eigenvalues of a hand-built 2 x 2 and 3 x 3', () => {
    // [[2, 1], [1, 2]]: eigenvalues 3 and 1, vectors (1, 1)/√2 and (1, -1)/√2.
    const two = symmetricEigen([2, 1, 1, 2], 2);
    expect(maxDiff(two.values, [3, 1])).toBeLessThan(1e-14);
    expect(Math.abs(two.vectors[0]! * two.vectors[2]!)).toBeCloseTo(0.5, 14);
    // diag(5, -1, 3) in disguise: already diagonal, so it sorts.
    const three = symmetricEigen([-1, 0, 0, 0, 5, 0, 0, 0, 3], 3);
    expect([...three.values]).toEqual([5, 3, -1]);
  });

  it('reconstructs a random symmetric matrix: A V = V diag(λ) to 1e-12', () => {
    const n = 30;
    const { a: b } = matrixWithSpectrum(
      n,
      n,
      Array.from({ length: n }, (_, i) => n - i),
      3,
    );
    // A = B + Bᵀ is symmetric with mixed-sign eigenvalues.
    const a = Float64Array.from(b, (_, idx) => b[idx]! + b[(idx % n) * n + Math.floor(idx / n)]!);
    const { values, vectors } = symmetricEigen(a, n);
    let worst = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k]! * vectors[k * n + j]!;
        worst = Math.max(worst, Math.abs(av - values[j]! * vectors[i * n + j]!));
      }
    expect(worst).toBeLessThan(1e-12);
    for (let j = 1; j < n; j++) expect(values[j]!).toBeLessThanOrEqual(values[j - 1]!);
  });
});

describe('jacobiSvd', () => {
  it('returns the singular values a fixture was built with, for tall and wide shapes', () => {
    const s = [10, 5, 2, 1, 0.5, 0.25];
    for (const [m, n] of [
      [20, 6],
      [6, 20],
      [12, 9],
    ] as const) {
      const { a } = matrixWithSpectrum(m, n, s, 7);
      const svd = jacobiSvd(a, m, n);
      expect(maxDiff(svd.s.subarray(0, s.length), s)).toBeLessThan(1e-12);
      // u diag(s) vt reproduces a.
      let worst = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let x = 0;
          for (let p = 0; p < svd.k; p++)
            x += svd.u[i * svd.k + p]! * svd.s[p]! * svd.vt[p * n + j]!;
          worst = Math.max(worst, Math.abs(x - a[i * n + j]!));
        }
      expect(worst).toBeLessThan(1e-12);
    }
  });

  it('gets a hand-computed 2 x 2 right: [[3, 0], [4, 5]] has singular values √45 and √5', () => {
    const svd = jacobiSvd([3, 0, 4, 5], 2, 2);
    expect(svd.s[0]).toBeCloseTo(Math.sqrt(45), 13);
    expect(svd.s[1]).toBeCloseTo(Math.sqrt(5), 13);
  });
});
