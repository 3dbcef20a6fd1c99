// Reading many tensors back to JS at once, without the synchronous reads webgpu cannot do.
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Float32 copies of the tensors' values, in order. All reads are issued before any is awaited, so
 * the device is waited on once, not once per tensor. Copies, because the cpu backend hands out
 * its own buffers, which the callers keep or edit.
 */
export async function readFloat32Copies(tensors: readonly tf.Tensor[]): Promise<Float32Array[]> {
  const values = await Promise.all(tensors.map((t) => t.data()));
  return values.map((v) => new Float32Array(v as Float32Array));
}
