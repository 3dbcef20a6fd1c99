// Moving float32 values between tensors and caller-owned arrays without a throwaway copy per call.
import * as tf from '@tensorflow/tfjs-core';
import { heapFloats, internals } from '../wasm/wasm-heap';

function checkFloat32(what: string, t: tf.Tensor, length: number): void {
  if (t.dtype !== 'float32') throw new Error(`${what}: expected a float32 tensor, got ${t.dtype}`);
  if (t.size !== length) {
    throw new Error(
      `${what}: the tensor has ${t.size} values [${t.shape.join(', ')}] but the array holds ${length}`,
    );
  }
}

/**
 * Copies float32 `t`'s values into `target` (length `t.size`, row-major), e.g. a view on a
 * SharedArrayBuffer. On wasm it reads the heap in place, where `dataSync()` would allocate a fresh
 * ArrayBuffer per call: in a loop those allocations count as external memory and make V8 run
 * full garbage collections every few steps.
 */
export function copyTensorInto(t: tf.Tensor, target: Float32Array): void {
  checkFloat32('copyTensorInto', t, target.length);
  if (tf.getBackend() === 'wasm') target.set(heapFloats(internals(tf.backend()), t));
  else target.set(t.dataSync() as Float32Array);
}

/**
 * A new float32 tensor of `shape` holding a copy of `values`; `values` may be changed or reused
 * afterwards (backends other than wasm keep the array they are given, so it is copied for them).
 */
export function tensorFromValues(values: Float32Array, shape: readonly number[]): tf.Tensor {
  const size = tf.util.sizeFromShape([...shape]);
  if (size !== values.length) {
    throw new Error(
      `tensorFromValues: shape [${shape.join(', ')}] holds ${size} values, got ${values.length}`,
    );
  }
  // The wasm backend copies on write; the others would alias `values`.
  const data = tf.getBackend() === 'wasm' ? values : values.slice();
  return tf.tensor(data, [...shape], 'float32');
}
