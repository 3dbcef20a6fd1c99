// The plane (Givens/Jacobi) rotation both Jacobi solvers apply to pairs of columns or rows, in float64.

/**
 * Rotates two strided runs of `count` elements of x, starting at `p` and `q`:
 * x_p ← c·x_p − s·x_q, x_q ← s·x_p + c·x_q. Columns p and q of a row-major rows x cols matrix are
 * `(rows, p, q, cols)`; rows p and q are `(cols, p·cols, q·cols, 1)`.
 */
export function rotatePair(
  x: Float64Array,
  count: number,
  p: number,
  q: number,
  stride: number,
  c: number,
  s: number,
): void {
  for (let i = 0; i < count; i++) {
    const a = x[p + i * stride]!;
    const b = x[q + i * stride]!;
    x[p + i * stride] = c * a - s * b;
    x[q + i * stride] = s * a + c * b;
  }
}
