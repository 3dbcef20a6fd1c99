// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations, in float64 on the CPU.
import { rotatePair } from './plane-rotation';

/** Eigenvalues (descending) and eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** n eigenvalues, largest first. */
  values: Float64Array;
  /** n x n, row-major; column j is the unit eigenvector of `values[j]`. */
  vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of the symmetric n x n matrix `a` (row-major; only symmetric input
 * is meaningful, the upper triangle is trusted). Cyclic Jacobi (Golub & Van Loan, Sec. 8.5): sweeps
 * of plane rotations until every off-diagonal entry is negligible against the diagonal. Cost
 * O(n^3) per sweep, about 6-10 sweeps; meant for the k x k cores of a randomized SVD (k up to a
 * few hundred). `a` is not changed.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (a.length !== n * n)
    throw new Error(`symmetricEigen: expected ${n * n} values for ${n} x ${n}, got ${a.length}`);
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += m[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += m[i * n + j]! ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        // Rotation angle that zeroes a[p][q]: t = tan(theta), the smaller root (stable form).
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotatePair(m, n, p, q, n, c, s); // columns p, q
        rotatePair(m, n, p * n, q * n, 1, c, s); // rows p, q
        rotatePair(v, n, p, q, n, c, s);
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => m[y * n + y]! - m[x * n + x]!,
  );
  const values = Float64Array.from(order, (i) => m[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from]!;
  });
  return { values, vectors };
}
