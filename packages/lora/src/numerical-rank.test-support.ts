// Test helper (not exported): numerical rank of a matrix from singular values, in float64 JS.
import type * as tf from '@tensorflow/tfjs-core';

/** Singular values of a [rows, cols] matrix, from the eigenvalues of its smaller Gram matrix (float64 Jacobi). */
export function singularValues(values: Float32Array, rows: number, cols: number): number[] {
  const n = Math.min(rows, cols);
  const at = (i: number, j: number) =>
    rows <= cols ? (values[i * cols + j] as number) : (values[j * cols + i] as number);
  const m = Math.max(rows, cols);
  const g = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < m; k++) s += at(i, k) * at(j, k);
      return s;
    }),
  );
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (g[p]![q] as number) ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const gpq = g[p]![q]!;
        if (Math.abs(gpq) < 1e-300) continue;
        const theta = (g[q]![q]! - g[p]![p]!) / (2 * gpq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const gkp = g[k]![p]!;
          const gkq = g[k]![q]!;
          g[k]![p] = c * gkp - s * gkq;
          g[k]![q] = s * gkp + c * gkq;
        }
        for (let k = 0; k < n; k++) {
          const gpk = g[p]![k]!;
          const gqk = g[q]![k]!;
          g[p]![k] = c * gpk - s * gqk;
          g[q]![k] = s * gpk + c * gqk;
        }
      }
    }
  }
  return g.map((row, i) => Math.sqrt(Math.max(0, row[i] as number))).sort((a, b) => b - a);
}

/** Singular values above relTol times the largest. */
export function numericalRank(delta: tf.Tensor2D, relTol = 1e-4): number {
  const [rows, cols] = delta.shape;
  const sv = singularValues(delta.dataSync() as Float32Array, rows, cols);
  return sv.filter((s) => s > relTol * (sv[0] as number)).length;
}
