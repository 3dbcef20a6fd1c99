// Truncated SVD by randomized subspace iteration (Halko, Martinsson & Tropp 2011), for tfjs-core, which has no SVD.
import * as tf from '@tensorflow/tfjs-core';
import { orthonormalize } from './cholesky-qr';
import { symmetricEigen } from './jacobi-eigen';

/** Options of {@link truncatedSvd}; defaults in {@link TRUNCATED_SVD_DEFAULTS}. */
export interface TruncatedSvdOptions {
  /** Extra columns of the random sketch beyond the rank (p); more is more accurate. Default 8. */
  oversample?: number;
  /** Power (subspace) iterations q; each sharpens the gap between kept and dropped values. Default 2. */
  powerIterations?: number;
  /** Seed of the Gaussian sketch: the same matrix and seed give the same result. Default 0. */
  seed?: number;
  /** Which singular vectors to return: `left` (u), `right` (vt) or `both`. Default `both`. */
  side?: 'left' | 'right' | 'both';
}

/** Defaults of {@link TruncatedSvdOptions}. */
export const TRUNCATED_SVD_DEFAULTS = {
  oversample: 8,
  powerIterations: 2,
  seed: 0,
  side: 'both',
} as const;

/** The top-`rank` singular triplets of a matrix a (m x n): a ≈ u · diag(s) · vt. */
export interface TruncatedSvd {
  /** m x rank, orthonormal columns (absent with `side: 'right'`). */
  u?: tf.Tensor2D;
  /** rank singular values, largest first. */
  s: Float64Array;
  /** rank x n, orthonormal rows (absent with `side: 'left'`). */
  vt?: tf.Tensor2D;
}

/** Top-`rank` left singular vectors of a with m <= n preferred (the sketch is m x k). */
async function leftVectors(
  a: tf.Tensor2D,
  rank: number,
  o: Required<TruncatedSvdOptions>,
): Promise<{ u: tf.Tensor2D; s: Float64Array; core: Float64Array; q: tf.Tensor2D; k: number }> {
  const [m, n] = a.shape;
  const k = Math.min(rank + o.oversample, m, n);
  // Y = A Ω: a Gaussian sketch of A's range.
  const omega = tf.randomNormal([n, k], 0, 1, 'float32', o.seed) as tf.Tensor2D;
  const y = tf.matMul(a, omega) as tf.Tensor2D;
  omega.dispose();
  let q = await orthonormalize(y);
  y.dispose();
  for (let i = 0; i < o.powerIterations; i++) {
    // Re-orthonormalizing between products keeps small singular directions from drowning (HMT Alg. 4.4).
    const z0 = tf.matMul(a, q, true, false) as tf.Tensor2D;
    q.dispose();
    const z = await orthonormalize(z0);
    z0.dispose();
    const y1 = tf.matMul(a, z) as tf.Tensor2D;
    z.dispose();
    q = await orthonormalize(y1);
    y1.dispose();
  }
  // H = (Q^T A)(Q^T A)^T, k x k: its eigenvectors rotate Q onto A's top singular directions.
  const h = tf.tidy(() => {
    const c = tf.matMul(q, a, true, false);
    return tf.matMul(c, c, false, true);
  });
  const hValues = await h.data();
  h.dispose();
  // Symmetrize against float32 rounding in the product.
  const sym = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) sym[i * k + j] = (hValues[i * k + j]! + hValues[j * k + i]!) / 2;
  const { values, vectors } = symmetricEigen(sym, k);
  const r = Math.min(rank, k);
  const e = new Float32Array(k * r);
  for (let i = 0; i < k; i++) for (let j = 0; j < r; j++) e[i * r + j] = vectors[i * k + j]!;
  const eTensor = tf.tensor2d(e, [k, r]);
  const u = tf.matMul(q, eTensor) as tf.Tensor2D;
  eTensor.dispose();
  const s = Float64Array.from(values.subarray(0, r), (x) => Math.sqrt(Math.max(x, 0)));
  return { u, s, core: vectors, q, k };
}

/**
 * The top-`rank` singular triplets of `a` (m x n, float32) by randomized subspace iteration:
 * Y = A Ω with a seeded Gaussian Ω (n x k, k = min(rank + oversample, m, n)), `powerIterations`
 * rounds of Q = orth(A orth(A^T Q)), then the eigen-decomposition of the k x k matrix
 * (Q^T A)(Q^T A)^T in float64 on the CPU. Orthonormalization is CholeskyQR2 (products on the
 * device, k x k Cholesky on the CPU). Works on the shorter side: a wide matrix is sketched as is,
 * a tall one through its transpose. Signs of singular vectors are arbitrary (as in any SVD).
 * Reads the device a few times (k x k matrices); resolves to new tensors the caller disposes.
 */
export async function truncatedSvd(
  a: tf.Tensor2D,
  rank: number,
  options: TruncatedSvdOptions = {},
): Promise<TruncatedSvd> {
  const o = { ...TRUNCATED_SVD_DEFAULTS, ...options } as Required<TruncatedSvdOptions>;
  if (a.rank !== 2) throw new Error(`truncatedSvd: expected a 2D matrix, got shape [${a.shape}]`);
  if (!Number.isInteger(rank) || rank < 1)
    throw new Error(`truncatedSvd: rank must be an integer >= 1, got ${rank}`);
  if (!Number.isInteger(o.oversample) || o.oversample < 0)
    throw new Error(`truncatedSvd: oversample must be an integer >= 0, got ${o.oversample}`);
  if (!Number.isInteger(o.powerIterations) || o.powerIterations < 0)
    throw new Error(
      `truncatedSvd: powerIterations must be an integer >= 0, got ${o.powerIterations}`,
    );
  const [m, n] = a.shape;
  const tall = m > n;
  const work = tall ? (tf.transpose(a) as tf.Tensor2D) : a;
  try {
    const { u: left, s, q } = await leftVectors(work, rank, o);
    q.dispose();
    const wantLeft = o.side !== 'right';
    const wantRight = o.side !== 'left';
    // For the sketched side: left of `work`; the other side: diag(1/s) left^T work.
    const other = (): tf.Tensor2D =>
      tf.tidy(() => {
        const inv = tf.tensor1d(Float32Array.from(s, (x) => (x > 0 ? 1 / x : 0)));
        return tf.mul(tf.matMul(left, work, true, false), tf.expandDims(inv, 1)) as tf.Tensor2D;
      });
    const result: TruncatedSvd = { s };
    if (!tall) {
      if (wantRight) result.vt = other();
      if (wantLeft) result.u = left;
      else left.dispose();
    } else {
      // work = a^T = left s otherᵀ: a's left vectors are `other`ᵀ, its right vectors leftᵀ.
      if (wantLeft) {
        const o2 = other();
        result.u = tf.transpose(o2) as tf.Tensor2D;
        o2.dispose();
      }
      if (wantRight) result.vt = tf.transpose(left) as tf.Tensor2D;
      left.dispose();
    }
    return result;
  } finally {
    if (work !== a) work.dispose();
  }
}
