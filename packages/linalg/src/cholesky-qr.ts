// Orthonormal bases of tall matrices: CholeskyQR2 on the device with float64 Cholesky on the CPU.
import * as tf from '@tensorflow/tfjs-core';

/**
 * The upper-triangular R with gram = R^T R (k x k, row-major, float64), or undefined when a pivot
 * falls below `tolerance` times the largest diagonal entry (columns too close to dependent).
 * The default 1e-5 suits a float32 Gram matrix: it keeps CholeskyQR2 to condition numbers of
 * about 300, within its float32 range (Yamamoto et al. 2015), and sends the rest elsewhere.
 */
export function choleskyUpper(
  gram: ArrayLike<number>,
  k: number,
  tolerance = 1e-5,
): Float64Array | undefined {
  const r = new Float64Array(k * k);
  let scale = 0;
  for (let i = 0; i < k; i++) scale = Math.max(scale, Math.abs(gram[i * k + i]!));
  for (let j = 0; j < k; j++) {
    let d = gram[j * k + j]!;
    for (let p = 0; p < j; p++) d -= r[p * k + j]! ** 2;
    if (!(d > tolerance * scale)) return undefined;
    const rjj = Math.sqrt(d);
    r[j * k + j] = rjj;
    for (let i = j + 1; i < k; i++) {
      let x = gram[j * k + i]!;
      for (let p = 0; p < j; p++) x -= r[p * k + j]! * r[p * k + i]!;
      r[j * k + i] = x / rjj;
    }
  }
  return r;
}

/** The inverse of an upper-triangular k x k matrix (row-major), by back substitution. */
export function invertUpper(r: ArrayLike<number>, k: number): Float64Array {
  const inv = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    inv[j * k + j] = 1 / r[j * k + j]!;
    for (let i = j - 1; i >= 0; i--) {
      let x = 0;
      for (let p = i + 1; p <= j; p++) x += r[i * k + p]! * inv[p * k + j]!;
      inv[i * k + j] = -x / r[i * k + i]!;
    }
  }
  return inv;
}

/** Removes from column j of q (m x k) its components along columns 0..j-1, twice (MGS2); returns its norm. */
export function orthogonalizeColumn(q: Float64Array, m: number, k: number, j: number): number {
  for (let pass = 0; pass < 2; pass++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[i * k + p]! * q[i * k + j]!;
      for (let i = 0; i < m; i++) q[i * k + j]! -= dot * q[i * k + p]!;
    }
  }
  let norm = 0;
  for (let i = 0; i < m; i++) norm += q[i * k + j]! ** 2;
  return Math.sqrt(norm);
}

/** Gram-Schmidt in float64; a dependent column becomes a unit vector orthogonal to the others. */
function gramSchmidt(y: ArrayLike<number>, m: number, k: number): Float32Array {
  const q = Float64Array.from(y);
  for (let j = 0; j < k; j++) {
    let original = 0;
    for (let i = 0; i < m; i++) original += q[i * k + j]! ** 2;
    let norm = orthogonalizeColumn(q, m, k, j);
    // Float32 data: what is left of a dependent column is rounding noise. Replace it with the
    // first coordinate axis that stays independent (deterministic).
    for (let axis = 0; (norm <= 1e-5 * Math.sqrt(original) || norm === 0) && axis < m; axis++) {
      for (let i = 0; i < m; i++) q[i * k + j] = i === axis ? 1 : 0;
      original = 1;
      norm = orthogonalizeColumn(q, m, k, j);
      if (norm < 0.5) norm = 0;
    }
    for (let i = 0; i < m; i++) q[i * k + j]! /= norm;
  }
  return Float32Array.from(q);
}

/** One Cholesky pass: Y R^{-1}, or undefined when the Cholesky fails. Disposes nothing of the caller's. */
async function choleskyPass(y: tf.Tensor2D): Promise<tf.Tensor2D | undefined> {
  const k = y.shape[1];
  const gram = tf.matMul(y, y, true, false);
  const values = await gram.data();
  gram.dispose();
  const r = choleskyUpper(values, k);
  if (!r) return undefined;
  const inv = tf.tensor2d(Float32Array.from(invertUpper(r, k)), [k, k]);
  const q = tf.matMul(y, inv) as tf.Tensor2D;
  inv.dispose();
  return q;
}

/**
 * An orthonormal basis of the columns of y (m x k, m >= k): CholeskyQR2 (Fukaya et al. 2014),
 * i.e. two passes of Q = Y R^{-1} with R from the Cholesky of Y^T Y in float64, so the device does
 * only matrix products and tfjs-core's `qr` (an m x m Householder loop) is avoided. When a Cholesky
 * fails (columns dependent in float32), Y is read back and orthonormalized by Gram-Schmidt in
 * float64. Returns a new tensor; `y` is left to the caller.
 */
export async function orthonormalize(y: tf.Tensor2D): Promise<tf.Tensor2D> {
  const [m, k] = y.shape;
  if (k > m) throw new Error(`orthonormalize: needs rows >= columns, got ${m} x ${k}`);
  const first = await choleskyPass(y);
  if (first) {
    const second = await choleskyPass(first);
    first.dispose();
    if (second) return second;
  }
  const values = await y.data();
  return tf.tensor2d(gramSchmidt(values, m, k), [m, k]);
}
