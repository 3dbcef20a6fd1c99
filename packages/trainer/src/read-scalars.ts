// Reading a step's scalars back to JS together, without the synchronous reads webgpu cannot do.
import * as tf from '@tensorflow/tfjs-core';

/**
 * The values of float32 scalars, in order, from one asynchronous read: stacked on the device first,
 * so a GPU queue is waited on once for all of them. Leaves the scalars to the caller.
 */
export async function readScalars(scalars: readonly tf.Scalar[]): Promise<number[]> {
  if (scalars.length === 0) return [];
  const stacked = tf.stack(scalars as tf.Scalar[]);
  try {
    return Array.from(await stacked.data());
  } finally {
    stacked.dispose();
  }
}
