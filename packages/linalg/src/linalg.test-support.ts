// Fixtures for the linalg tests: matrices with known singular values, built in float64.
import { mulberry32 } from '@relora/core';
import { orthogonalizeColumn } from './cholesky-qr';

/** m x k with orthonormal columns (row-major, float64), from seeded uniform draws by Gram-Schmidt. */
export function randomOrthonormal(m: number, k: number, seed: number): Float64Array {
  const draw = mulberry32(seed);
  const q = Float64Array.from({ length: m * k }, () => draw() - 0.5);
  for (let j = 0; j < k; j++) {
    const norm = orthogonalizeColumn(q, m, k, j);
    for (let i = 0; i < m; i++) q[i * k + j]! /= norm;
  }
  return q;
}

/** A = U diag(s) V^T (m x n, row-major, float64) with random orthonormal U (m x k), V (n x k), k = s.length. */
export function matrixWithSpectrum(
  m: number,
  n: number,
  s: readonly number[],
  seed: number,
): { a: Float64Array; u: Float64Array; v: Float64Array } {
  const k = s.length;
  const u = randomOrthonormal(m, k, seed);
  const v = randomOrthonormal(n, k, seed + 1);
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let p = 0; p < k; p++) x += u[i * k + p]! * s[p]! * v[j * k + p]!;
      a[i * n + j] = x;
    }
  return { a, u, v };
}

/** Column-space projection energy: ||Pᵀ A||_F² / ||A||_F² for P (m x r, orthonormal columns). */
export function capturedEnergy(
  a: ArrayLike<number>,
  m: number,
  n: number,
  p: ArrayLike<number>,
  r: number,
): number {
  let total = 0;
  for (let i = 0; i < m * n; i++) total += a[i]! ** 2;
  let kept = 0;
  for (let c = 0; c < r; c++)
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let i = 0; i < m; i++) x += p[i * r + c]! * a[i * n + j]!;
      kept += x * x;
    }
  return kept / total;
}

/** xᵀ y (r x r, row-major) for x, y (m x r, row-major): its singular values are the cosines of the principal angles. */
export function crossProduct(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  m: number,
  r: number,
): Float64Array {
  const c = new Float64Array(r * r);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < r; j++) {
      let dot = 0;
      for (let k = 0; k < m; k++) dot += x[k * r + i]! * y[k * r + j]!;
      c[i * r + j] = dot;
    }
  return c;
}
