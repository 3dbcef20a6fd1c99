// What tfjs passes to a kernel function; `tf.KernelFunc` types it loosely, the kernels here need this much.
import type * as tf from '@tensorflow/tfjs-core';

/** A kernel call's inputs, its backend (cast to the backend's internals where used) and attributes. */
export type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
};
