// The exact SVD of a small matrix by one-sided Jacobi rotations (Hestenes), in float64 on the CPU.
import { rotatePair } from './plane-rotation';

/** A thin SVD: a = u · diag(s) · vt with k = min(m, n). */
export interface DenseSvd {
  /** m x k, row-major, orthonormal columns. */
  u: Float64Array;
  /** k singular values, largest first. */
  s: Float64Array;
  /** k x n, row-major, orthonormal rows. */
  vt: Float64Array;
  m: number;
  n: number;
  k: number;
}

function transpose(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
  return t;
}

/** One-sided Jacobi on a tall matrix (m >= n): columns of `w` made orthogonal, rotations kept in `v`. */
function tallSvd(a: ArrayLike<number>, m: number, n: number): DenseSvd {
  const w = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[i * n + p]!;
          const y = w[i * n + q]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotatePair(w, m, p, q, n, c, s);
        rotatePair(v, n, p, q, n, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += w[i * n + j]! ** 2;
    return Math.sqrt(sum);
  });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y]! - norms[x]!);
  const u = new Float64Array(m * n);
  const s = new Float64Array(n);
  const vt = new Float64Array(n * n);
  order.forEach((from, to) => {
    const sigma = norms[from]!;
    s[to] = sigma;
    for (let i = 0; i < m; i++) u[i * n + to] = sigma > 0 ? w[i * n + from]! / sigma : 0;
    for (let i = 0; i < n; i++) vt[to * n + i] = v[i * n + from]!;
  });
  return { u, s, vt, m, n, k: n };
}

/**
 * The thin SVD of the m x n matrix `a` (row-major), accurate to float64 rounding: one-sided Jacobi
 * (Hestenes 1958; Demmel & Veselic 1992) sweeps plane rotations until all column pairs are
 * orthogonal. O(m n^2) per sweep: for small matrices (fixtures, exact references, cores of a
 * randomized SVD). Columns of u for zero singular values are zero.
 */
export function jacobiSvd(a: ArrayLike<number>, m: number, n: number): DenseSvd {
  if (a.length !== m * n)
    throw new Error(`jacobiSvd: expected ${m * n} values for ${m} x ${n}, got ${a.length}`);
  if (m >= n) return tallSvd(a, m, n);
  const t = tallSvd(transpose(a, m, n), n, m);
  // a^T = u' s vt'  =>  a = vt'^T s u'^T
  return { u: transpose(t.vt, m, m), s: t.s, vt: transpose(t.u, n, m), m, n, k: m };
}
