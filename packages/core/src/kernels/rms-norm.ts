// RMSNorm and its gradient as two kernels: their names, attributes and arithmetic.

/**
 * Name of the fused RMSNorm kernel: `@relora/llama`'s `rmsNorm` runs it (with
 * {@link RMS_NORM_GRAD_KERNEL}) where a backend registers both (`@relora/backend` does for wasm,
 * cpu and webgpu). A contract: never rename it.
 *
 * Inputs `{ x, weight }`, float32: x [..., d] (d >= 1), weight [d]. Attr `{ epsilon }`. Outputs
 * `[y, invRms]`: y of x's shape with y = (x · r) · weight per row, and invRms [rows] (rows: the
 * product of x's leading dims) with r = 1 / sqrt(mean(x²) + epsilon) per row, as Hugging Face's
 * LlamaRMSNorm. invRms is what {@link RMS_NORM_GRAD_KERNEL} needs. Row sums are accumulated in
 * another order than the ops path's (4 float32 lanes on wasm SIMD, float64 in the JS loop), so the
 * results agree with the ops formula to ~1e-6 relative error, not bit for bit.
 */
export const RMS_NORM_KERNEL = 'ReloraRmsNorm';

/**
 * Name of the RMSNorm gradient kernel (a contract like {@link RMS_NORM_KERNEL}).
 *
 * Inputs `{ dy, x, weight, invRms }`, float32: dy and x [..., d], weight [d], invRms [rows] (the
 * forward kernel's second output). Outputs `[dx, dWeight]`, per row with r = invRms and
 * g = dy ⊙ weight: dx = r·g − x·r³·mean(g ⊙ x), and dWeight [d] = Σ over rows of dy ⊙ x·r.
 */
export const RMS_NORM_GRAD_KERNEL = 'ReloraRmsNormGrad';

/** Attributes of {@link RMS_NORM_KERNEL}. */
export interface RmsNormAttrs {
  /** Added to the mean square before the root (finite, >= 0). */
  epsilon: number;
}

/** x as rows of d values. */
export interface RmsNormDims {
  rows: number;
  d: number;
}

/**
 * The forward kernel's arithmetic on flat arrays: x and y [rows·d], weight [d], invRms [rows].
 * The mean square is summed in float64 and r rounded to float32 once (it is what invRms holds);
 * y = float32(x·r)·weight, in the ops path's order.
 */
export function rmsNormValues(
  x: Float32Array,
  weight: Float32Array,
  y: Float32Array,
  invRms: Float32Array,
  { rows, d }: RmsNormDims,
  epsilon: number,
): void {
  const f = Math.fround;
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    let sum = 0;
    for (let i = 0; i < d; i++) sum += x[o + i]! * x[o + i]!;
    const inv = f(1 / Math.sqrt(sum / d + epsilon));
    invRms[r] = inv;
    for (let i = 0; i < d; i++) y[o + i] = f(x[o + i]! * inv) * weight[i]!;
  }
}

/**
 * The gradient kernel's arithmetic on flat arrays: dy, x and dx [rows·d], weight and dWeight [d],
 * invRms [rows]. Per row, with r = invRms and g = dy·weight: dx = r·g − x·r³·mean(g·x);
 * dWeight = Σ rows dy·(x·r). Sums in float64, rounded once when stored.
 */
export function rmsNormGradValues(
  dy: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  invRms: Float32Array,
  dx: Float32Array,
  dWeight: Float32Array,
  { rows, d }: RmsNormDims,
): void {
  const dw = new Float64Array(d);
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    const inv = invRms[r]!;
    let sum = 0;
    for (let i = 0; i < d; i++) sum += dy[o + i]! * weight[i]! * x[o + i]!;
    const c = inv * inv * inv * (sum / d);
    for (let i = 0; i < d; i++) {
      const xi = x[o + i]!;
      const dyi = dy[o + i]!;
      dx[o + i] = dyi * weight[i]! * inv - xi * c;
      dw[i] = dw[i]! + dyi * (xi * inv);
    }
  }
  dWeight.set(dw);
}
