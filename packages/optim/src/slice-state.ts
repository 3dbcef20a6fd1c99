// Per-slice AdamW state: zero chosen rows or columns of a variable's moments, and give slices their
// own step counter in the bias correction. SwitchLoRA (Zhou et al. 2024, arXiv 2406.06564) needs
// both: its StepAdamW keeps one step per row of A and per column of B, zeroed with the moments of a
// switched vector's counterpart, so that slice's bias correction starts over.
import * as tf from '@tensorflow/tfjs-core';
import type { AdamW } from './adamw';
import type { MomentStore } from './reset-optimizer-state';

/** Which axis a slice index runs along: 0 = rows, 1 = columns of a 2D variable. */
export type SliceAxis = 0 | 1;

/** Options of {@link zeroMomentSlices}. */
export interface MomentSlices {
  /** 0: `indices` are rows; 1: columns. */
  axis: SliceAxis;
  /** Row or column indices to zero, each in [0, shape[axis]). */
  indices: readonly number[];
}

/** A [n, 1] or [1, n] float32 tensor of `values`, to broadcast along the other axis. */
function sliceVector(values: Float32Array, axis: SliceAxis): tf.Tensor2D {
  const shape: [number, number] = axis === 0 ? [values.length, 1] : [1, values.length];
  return tf.tensor2d(values, shape, 'float32');
}

function checkMatrix(where: string, variable: tf.Variable, axis: SliceAxis): number {
  if (variable.rank !== 2)
    throw new Error(`${where}: variable must be 2D, got shape [${variable.shape}]`);
  if (axis !== 0 && axis !== 1) throw new Error(`${where}: axis must be 0 or 1, got ${axis}`);
  return variable.shape[axis] as number;
}

/**
 * Zeroes the first and second moments of `variable` at rows (axis 0) or columns (axis 1)
 * `indices`, in place (assigned into the slot's variables); other entries keep their exact bits.
 * Reads nothing. Returns false, changing nothing, when the variable has no state yet.
 *
 * @example
 * zeroMomentSlices(opt, loraA, { axis: 1, indices: [3, 4] }); // columns 3 and 4 of A [in, r]
 */
export function zeroMomentSlices(
  optimizer: MomentStore,
  variable: tf.Variable,
  { axis, indices }: MomentSlices,
): boolean {
  const n = checkMatrix('zeroMomentSlices', variable, axis);
  for (const i of indices) {
    if (!(Number.isInteger(i) && i >= 0 && i < n))
      throw new RangeError(`zeroMomentSlices: index ${i} is outside [0, ${n}) along axis ${axis}`);
  }
  const slot = optimizer.slot(variable);
  if (!slot) return false;
  if (indices.length === 0) return true;
  const keep = new Uint8Array(n).fill(1);
  for (const i of indices) keep[i] = 0;
  tf.tidy(() => {
    // A select, not a product: kept entries keep their bits and zeroed ones are +0 (x·0 gives -0).
    const mask = tf.tensor2d(keep, axis === 0 ? [n, 1] : [1, n], 'bool');
    const zero = tf.scalar(0);
    slot.m.assign(tf.where(mask, slot.m as tf.Tensor, zero));
    slot.v.assign(tf.where(mask, slot.v as tf.Tensor, zero));
  });
  return true;
}

/** Options of {@link correctSliceSteps}. */
export interface SliceSteps {
  /** 0: one counter per row; 1: one per column. */
  axis: SliceAxis;
  /** Each slice's own step count after the update just applied (>= 1), shape[axis] of them. */
  steps: ArrayLike<number>;
  /** The learning rate that update used. */
  lr: number;
}

/**
 * Re-does the bias correction of the update `optimizer.applyGradients` just applied to `variable`
 * with a step count per slice instead of the variable's: adds back lr/(1-b1^t)·m/(sqrt(v)/sqrt(1-b2^t)+eps)
 * with t the variable's step and subtracts the same with t = `steps[i]`. Slices whose count equals
 * the variable's get exactly 0 added (the two terms are the same floats), so they keep the bits
 * plain AdamW gave them. Weight decay does not depend on the step and needs no correction.
 * Reads nothing; does nothing when the variable has no state.
 *
 * @example
 * opt.applyGradients(grads, { lr });
 * correctSliceSteps(opt, loraA, { axis: 1, steps: [12, 12, 3, 12], lr }); // column 2 restarted 3 updates ago
 */
export function correctSliceSteps(
  optimizer: Pick<AdamW, 'slot' | 'beta1' | 'beta2' | 'epsilon'>,
  variable: tf.Variable,
  { axis, steps, lr }: SliceSteps,
): void {
  const n = checkMatrix('correctSliceSteps', variable, axis);
  if (steps.length !== n)
    throw new Error(
      `correctSliceSteps: steps must have ${n} entries (shape[${axis}]), got ${steps.length}`,
    );
  if (!(Number.isFinite(lr) && lr >= 0))
    throw new RangeError(`correctSliceSteps: lr must be a finite number >= 0, got ${lr}`);
  const slot = optimizer.slot(variable);
  if (!slot) return;
  const t = slot.step;
  let differs = false;
  for (let i = 0; i < n; i++) {
    const ti = steps[i] as number;
    if (!(Number.isInteger(ti) && ti >= 1 && ti <= t))
      throw new RangeError(
        `correctSliceSteps: steps[${i}] must be an integer in [1, ${t}], got ${ti}`,
      );
    if (ti !== t) differs = true;
  }
  if (!differs) return;
  const { beta1, beta2, epsilon } = optimizer;
  const stepSize = (count: number) => lr / (1 - beta1 ** count);
  const correction2Sqrt = (count: number) => Math.sqrt(1 - beta2 ** count);
  const perSlice = (f: (count: number) => number, count: (i: number) => number) =>
    sliceVector(
      Float32Array.from({ length: n }, (_, i) => f(count(i))),
      axis,
    );
  tf.tidy(() => {
    const sqrtV = tf.sqrt(slot.v);
    // AdamW's ops path: m / (sqrt(v) / sqrt(1 - b2^t) + eps) * lr / (1 - b1^t).
    const update = (size: tf.Tensor, c2: tf.Tensor) =>
      tf.mul(tf.div(slot.m, tf.add(tf.div(sqrtV, c2), epsilon)), size);
    const applied = update(
      perSlice(stepSize, () => t),
      perSlice(correction2Sqrt, () => t),
    );
    const own = (i: number) => steps[i] as number;
    const wanted = update(perSlice(stepSize, own), perSlice(correction2Sqrt, own));
    variable.assign(tf.add(variable, tf.sub(applied, wanted)));
  });
}
