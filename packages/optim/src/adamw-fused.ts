// AdamW's update of one variable as a single kernel launch, where a backend registers one.
import { ADAMW_UPDATE_KERNEL, type AdamWUpdateAttrs } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32 } from './gradients';

/** Whether the current backend has the fused kernel (wasm and cpu after `initBackend`; others not). */
export function hasFusedAdamW(): boolean {
  return tf.getKernel(ADAMW_UPDATE_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * One AdamW update of `variable` and its moments `m`, `v` in one kernel launch instead of ~14:
 * on wasm a launch's engine and heap overhead outweighs this arithmetic (packages/backend/PERF.md).
 * The kernel returns new tensors; the variables take them over by `assign`, so nothing that
 * shares data with them (a clone, a saved copy) changes.
 */
export function fusedAdamWUpdate(
  variable: tf.Variable,
  grad: tf.Tensor,
  m: tf.Variable,
  v: tf.Variable,
  attrs: AdamWUpdateAttrs,
): void {
  tf.tidy(() => {
    const g = asFloat32(grad);
    const [next, mNext, vNext] = tf
      .engine()
      .runKernel(
        ADAMW_UPDATE_KERNEL,
        { param: variable, grad: g, m, v },
        { ...attrs },
      ) as tf.Tensor[];
    m.assign(mNext!);
    v.assign(vNext!);
    variable.assign(next!);
  });
}
