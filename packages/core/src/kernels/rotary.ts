// Rotary position embedding as one kernel: y = x ⊙ cos + swapHalves(x) ⊙ sin; its name and arithmetic.

/**
 * Name of the rotary kernel: `@relora/llama`'s `applyRotary` runs it where a backend registers it
 * (`@relora/backend` does for wasm, cpu and webgpu). A contract: never rename it.
 *
 * Inputs `{ x, cos, sin }`, float32: x [batch, seq, heads, headDim], cos and sin [seq, 1, headDim]
 * (one row per position, shared by every head). Output y [batch, seq, heads, headDim] with
 * y[..., i] = x[..., i]·cos[i] + x[..., i ± headDim/2]·sin[i] (the other half of the row): the
 * rotate-half form of Hugging Face Llama, with the sign of rotate-half folded into `sin`. Each
 * product and the sum round to float32 as the tfjs ops do, so the result is the ops path's, bit
 * for bit. The same kernel with `-sin` is its own gradient (swapping halves is symmetric).
 */
export const ROTARY_KERNEL = 'ReloraRotary';

/** x's dims: batch · seq · heads rows of headDim values (headDim even), seq positions. */
export interface RotaryDims {
  batch: number;
  seq: number;
  heads: number;
  headDim: number;
}

/** The kernel's arithmetic on flat arrays (x and out [batch·seq·heads·headDim], tables [seq·headDim]). */
export function rotaryValues(
  x: Float32Array,
  cos: Float32Array,
  sin: Float32Array,
  out: Float32Array,
  { batch, seq, heads, headDim }: RotaryDims,
): void {
  const half = headDim / 2;
  const f = Math.fround;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < seq; t++) {
      const table = t * headDim;
      for (let h = 0; h < heads; h++) {
        const row = ((b * seq + t) * heads + h) * headDim;
        for (let i = 0; i < half; i++) {
          const k = table + i;
          out[row + i] = f(x[row + i]! * cos[k]!) + f(x[row + half + i]! * sin[k]!);
        }
        for (let i = half; i < headDim; i++) {
          const k = table + i;
          out[row + i] = f(x[row + i]! * cos[k]!) + f(x[row + i - half]! * sin[k]!);
        }
      }
    }
  }
}
