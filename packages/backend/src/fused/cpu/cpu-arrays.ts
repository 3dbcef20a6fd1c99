// The cpu backend's own arrays, read without a copy.
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type * as tf from '@tensorflow/tfjs-core';

/** The float32 array behind `t` (readSync hands out the backend's own array: only read it). */
export function cpuFloats(backend: unknown, t: tf.TensorInfo): Float32Array {
  return (backend as MathBackendCPU).readSync(t.dataId) as Float32Array;
}
