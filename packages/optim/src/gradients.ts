// Gradient containers the optimizer accepts, resolved to (variable, gradient) pairs.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients by variable: a `Map` keyed by the variable itself, or a `NamedTensorMap` keyed by
 * `variable.name` (what `tf.variableGrads(f).grads` returns).
 */
export type GradientMap = Map<tf.Variable, tf.Tensor> | tf.NamedTensorMap;

/** Resolves a gradient map to pairs, failing clearly on a name no variable carries. */
export function gradientEntries(
  grads: GradientMap,
  where: string,
): Array<[tf.Variable, tf.Tensor]> {
  if (grads instanceof Map) return [...grads.entries()];
  const registry = tf.engine().registeredVariables;
  return Object.entries(grads).map(([name, grad]) => {
    const variable = registry[name];
    if (!variable) {
      throw new Error(
        `${where}: gradient '${name}' matches no live tf.Variable (expected keys = variable.name)`,
      );
    }
    return [variable, grad];
  });
}

/**
 * `t` as float32: itself when it already is. A same-dtype `tf.cast` is still a kernel launch per
 * variable and step (and a copy on stock tfjs-backend-wasm).
 */
export function asFloat32(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}
