// Checks of the cross-entropy kernels' arguments; the contract itself is @relora/core's.
import {
  CROSS_ENTROPY_GRAD_KERNEL,
  CROSS_ENTROPY_KERNEL,
  type CrossEntropyDims,
} from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

type Inputs = Partial<Record<string, tf.TensorInfo>>;

/**
 * Checks logits float32 [N, V], targets int32 [N] and the named float32 [N] inputs of one call;
 * `where` names the backend in error messages. (Target values are checked by core's loops.)
 */
function check(kernel: string, inputs: Inputs, rowInputs: string[], where: string) {
  const fail = (what: string): never => {
    throw new Error(`${kernel} (${where}): ${what}`);
  };
  const { logits, targets } = inputs;
  if (!logits) fail(`input 'logits' is missing`);
  if (logits!.dtype !== 'float32') fail(`'logits' must be float32, got ${logits!.dtype}`);
  if (logits!.shape.length !== 2 || logits!.shape[1]! < 1) {
    fail(`'logits' must be [N, V] with V >= 1, got [${logits!.shape}]`);
  }
  const dims: CrossEntropyDims = { rows: logits!.shape[0]!, vocab: logits!.shape[1]! };
  const rowShaped = (name: string, dtype: string) => {
    const t = inputs[name];
    if (!t) fail(`input '${name}' is missing`);
    if (t!.dtype !== dtype) fail(`'${name}' must be ${dtype}, got ${t!.dtype}`);
    if (!tf.util.arraysEqual(t!.shape, [dims.rows])) {
      fail(`'${name}' must be [${dims.rows}] for logits [${logits!.shape}], got [${t!.shape}]`);
    }
  };
  rowShaped('targets', 'int32');
  for (const name of rowInputs) rowShaped(name, 'float32');
  return { logits: logits!, targets: targets!, dims };
}

/** Checks a forward call's inputs `{ logits, targets, weights }`. */
export function checkCrossEntropyArgs(inputs: tf.NamedTensorInfoMap, where: string) {
  const checked = check(CROSS_ENTROPY_KERNEL, inputs as Inputs, ['weights'], where);
  return { ...checked, weights: inputs.weights as tf.TensorInfo };
}

/** Checks a gradient call's inputs `{ logits, targets, scale, logSumExp }`. */
export function checkCrossEntropyGradArgs(inputs: tf.NamedTensorInfoMap, where: string) {
  const named = ['scale', 'logSumExp'];
  const checked = check(CROSS_ENTROPY_GRAD_KERNEL, inputs as Inputs, named, where);
  return {
    ...checked,
    scale: inputs.scale as tf.TensorInfo,
    logSumExp: inputs.logSumExp as tf.TensorInfo,
  };
}
