// Rotary position embedding as one kernel: y = x ⊙ cos + swapHalves(x) ⊙ sin, backend-neutral.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Name of the rotary kernel. `@relora/llama`'s `applyRotary` looks it up by this string (it does
 * not import this package), so it is a contract: never rename it.
 *
 * Inputs `{ x, cos, sin }`, float32: x [batch, seq, heads, headDim], cos and sin [seq, 1, headDim]
 * (one row per position, shared by every head). Output y [batch, seq, heads, headDim] with
 * y[..., i] = x[..., i]·cos[i] + x[..., i ± headDim/2]·sin[i] (the other half of the row): the
 * rotate-half form of Hugging Face Llama, with the sign of rotate-half folded into `sin`. Each
 * product and the sum round to float32 as the tfjs ops do, so the result is the ops path's, bit
 * for bit. The same kernel with `-sin` is its own gradient (swapping halves is symmetric).
 */
export const ROTARY_KERNEL = 'ReloraRotary';

/** The inputs of one call, checked, and x's dims. */
export interface RotaryArgs {
  x: tf.TensorInfo;
  cos: tf.TensorInfo;
  sin: tf.TensorInfo;
  /** batch · seq · heads rows of headDim values, seq positions. */
  dims: { batch: number; seq: number; heads: number; headDim: number };
}

/** Checks a kernel call's inputs; `where` names the backend in error messages. */
export function checkRotaryArgs(inputs: tf.NamedTensorInfoMap, where: string): RotaryArgs {
  const fail = (what: string) => {
    throw new Error(`${ROTARY_KERNEL} (${where}): ${what}`);
  };
  const { x, cos, sin } = inputs as Partial<Record<'x' | 'cos' | 'sin', tf.TensorInfo>>;
  if (!x || !cos || !sin) return fail('inputs x, cos and sin are required');
  for (const [name, t] of [
    ['x', x],
    ['cos', cos],
    ['sin', sin],
  ] as const) {
    if (t.dtype !== 'float32') fail(`'${name}' must be float32, got ${t.dtype}`);
  }
  if (x.shape.length !== 4) fail(`x must be [batch, seq, heads, headDim], got [${x.shape}]`);
  const [batch, seq, heads, headDim] = x.shape as [number, number, number, number];
  if (headDim % 2 !== 0) fail(`headDim must be even, got ${headDim}`);
  for (const [name, t] of [
    ['cos', cos],
    ['sin', sin],
  ] as const) {
    if (!tf.util.arraysEqual(t.shape, [seq, 1, headDim])) {
      fail(`'${name}' must be [${seq}, 1, ${headDim}] for x [${x.shape}], got [${t.shape}]`);
    }
  }
  return { x, cos, sin, dims: { batch, seq, heads, headDim } };
}

/** The kernel's arithmetic on flat arrays (x and out [batch·seq·heads·headDim], tables [seq·headDim]). */
export function rotaryValues(
  x: Float32Array,
  cos: Float32Array,
  sin: Float32Array,
  out: Float32Array,
  { batch, seq, heads, headDim }: RotaryArgs['dims'],
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
