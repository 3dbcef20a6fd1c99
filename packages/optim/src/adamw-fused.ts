// AdamW's update of one variable as a single kernel launch, where a backend registers one.
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32 } from './gradients';

/**
 * Name of the fused AdamW kernel. This is the contract with `@relora/backend` (which registers it
 * for wasm and cpu as `ADAMW_UPDATE_KERNEL`): optim must not import backend at run time, so the
 * name is repeated here, and a test checks the two are equal.
 * Inputs `{ param, grad, m, v }` (float32, one shape); attrs `{ lr, beta1, beta2, epsilon,
 * weightDecay, step }` (step counts this update); outputs `[paramNext, mNext, vNext]`, new tensors.
 */
export const ADAMW_UPDATE_KERNEL = 'ReloraAdamWUpdate';

/** Whether the current backend has the fused kernel (wasm and cpu after `initBackend`; others not). */
export function hasFusedAdamW(): boolean {
  return tf.getKernel(ADAMW_UPDATE_KERNEL, tf.getBackend()) !== undefined;
}

/** Hyperparameters of one fused update (`step`: this variable's updates including this one). */
export interface FusedAdamWAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  step: number;
}

/**
 * One AdamW update of `variable` and its moments `m`, `v` in one kernel launch instead of ~14
 * (on wasm each launch costs ~15-25 µs of engine and heap overhead, more than the arithmetic).
 * The kernel returns new tensors; the variables take them over by `assign`, so nothing that
 * shares data with them (a clone, a saved copy) changes.
 */
export function fusedAdamWUpdate(
  variable: tf.Variable,
  grad: tf.Tensor,
  m: tf.Variable,
  v: tf.Variable,
  attrs: FusedAdamWAttrs,
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
