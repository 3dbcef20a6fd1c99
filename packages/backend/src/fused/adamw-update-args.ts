// Checks of a fused AdamW kernel call's arguments; the contract itself is @relora/core's.
import { ADAMW_UPDATE_KERNEL, type AdamWUpdateAttrs } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

/** The inputs of one call, checked. */
export interface AdamWUpdateInputs {
  param: tf.TensorInfo;
  grad: tf.TensorInfo;
  m: tf.TensorInfo;
  v: tf.TensorInfo;
  attrs: AdamWUpdateAttrs;
}

/** Checks a kernel call's inputs and attributes; `where` names the backend in error messages. */
export function checkAdamWUpdateArgs(
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap | undefined,
  where: string,
): AdamWUpdateInputs {
  const named = { param: inputs.param, grad: inputs.grad, m: inputs.m, v: inputs.v };
  for (const [name, t] of Object.entries(named)) {
    if (!t) throw new Error(`${ADAMW_UPDATE_KERNEL} (${where}): input '${name}' is missing`);
    if (t.dtype !== 'float32') {
      throw new Error(
        `${ADAMW_UPDATE_KERNEL} (${where}): '${name}' must be float32, got ${t.dtype} (cast it first)`,
      );
    }
    if (!tf.util.arraysEqual(t.shape, named.param!.shape)) {
      throw new Error(
        `${ADAMW_UPDATE_KERNEL} (${where}): '${name}' has shape [${t.shape}], 'param' [${named.param!.shape}]`,
      );
    }
  }
  const a = (attrs ?? {}) as unknown as AdamWUpdateAttrs;
  for (const key of ['lr', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'step'] as const) {
    if (typeof a[key] !== 'number' || !Number.isFinite(a[key])) {
      throw new Error(`${ADAMW_UPDATE_KERNEL} (${where}): attr '${key}' must be a finite number`);
    }
  }
  if (!Number.isInteger(a.step) || a.step < 1) {
    throw new Error(`${ADAMW_UPDATE_KERNEL} (${where}): attr 'step' must be an integer >= 1`);
  }
  return { ...(named as Omit<AdamWUpdateInputs, 'attrs'>), attrs: a };
}
