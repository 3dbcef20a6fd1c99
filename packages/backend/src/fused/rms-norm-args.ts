// Checks of the RMSNorm kernels' arguments; the contract itself is @relora/core's.
import {
  RMS_NORM_GRAD_KERNEL,
  RMS_NORM_KERNEL,
  type RmsNormAttrs,
  type RmsNormDims,
} from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

const dimsOf = (x: tf.TensorInfo): RmsNormDims => {
  const d = x.shape[x.shape.length - 1] ?? 0;
  return { rows: d === 0 ? 0 : tf.util.sizeFromShape(x.shape) / d, d };
};

function checker(kernel: string, where: string) {
  const fail = (what: string): never => {
    throw new Error(`${kernel} (${where}): ${what}`);
  };
  const float32 = (named: Record<string, tf.TensorInfo | undefined>) => {
    for (const [name, t] of Object.entries(named)) {
      if (!t) fail(`input '${name}' is missing`);
      else if (t.dtype !== 'float32') fail(`'${name}' must be float32, got ${t.dtype}`);
    }
  };
  // x [..., d] with d >= 1 and weight [d]
  const rowsOf = (x: tf.TensorInfo, weight: tf.TensorInfo): RmsNormDims => {
    if (x.shape.length < 1) fail(`x must be [..., d], got a scalar`);
    const dims = dimsOf(x);
    if (dims.d < 1) fail(`the last dim of x must be >= 1, got [${x.shape}]`);
    if (!tf.util.arraysEqual(weight.shape, [dims.d])) {
      fail(`'weight' must be [${dims.d}] for x [${x.shape}], got [${weight.shape}]`);
    }
    return dims;
  };
  return { fail, float32, rowsOf };
}

/** Checks a forward call's inputs and attribute; `where` names the backend in error messages. */
export function checkRmsNormArgs(
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap | undefined,
  where: string,
): { x: tf.TensorInfo; weight: tf.TensorInfo; epsilon: number; dims: RmsNormDims } {
  const { fail, float32, rowsOf } = checker(RMS_NORM_KERNEL, where);
  const { x, weight } = inputs as Partial<Record<'x' | 'weight', tf.TensorInfo>>;
  float32({ x, weight });
  const epsilon = (attrs as Partial<RmsNormAttrs> | undefined)?.epsilon;
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    fail(`attr 'epsilon' must be a finite number >= 0, got ${epsilon}`);
  }
  return { x: x!, weight: weight!, epsilon: epsilon!, dims: rowsOf(x!, weight!) };
}

/** Checks a gradient call's inputs; `where` names the backend in error messages. */
export function checkRmsNormGradArgs(
  inputs: tf.NamedTensorInfoMap,
  where: string,
): {
  dy: tf.TensorInfo;
  x: tf.TensorInfo;
  weight: tf.TensorInfo;
  invRms: tf.TensorInfo;
  dims: RmsNormDims;
} {
  const { fail, float32, rowsOf } = checker(RMS_NORM_GRAD_KERNEL, where);
  const { dy, x, weight, invRms } = inputs as Partial<
    Record<'dy' | 'x' | 'weight' | 'invRms', tf.TensorInfo>
  >;
  float32({ dy, x, weight, invRms });
  const dims = rowsOf(x!, weight!);
  if (!tf.util.arraysEqual(dy!.shape, x!.shape)) {
    fail(`'dy' must be [${x!.shape}] like x, got [${dy!.shape}]`);
  }
  if (!tf.util.arraysEqual(invRms!.shape, [dims.rows])) {
    fail(`'invRms' must be [${dims.rows}] for x [${x!.shape}], got [${invRms!.shape}]`);
  }
  return { dy: dy!, x: x!, weight: weight!, invRms: invRms!, dims };
}
