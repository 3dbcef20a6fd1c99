// Checks of a rotary kernel call's inputs; the contract itself is @relora/core's.
import { ROTARY_KERNEL, type RotaryDims } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

/** The inputs of one call, checked, and x's dims. */
export interface RotaryArgs {
  x: tf.TensorInfo;
  cos: tf.TensorInfo;
  sin: tf.TensorInfo;
  dims: RotaryDims;
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
