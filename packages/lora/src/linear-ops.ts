// Shared shape handling for linear layers: validation and x [..., in] -> [rows, in] flattening.
import * as tf from '@tensorflow/tfjs-core';

/** Throws unless both feature counts are positive integers. */
export function checkFeatures(who: string, inFeatures: number, outFeatures: number): void {
  for (const [name, value] of [
    ['inFeatures', inFeatures],
    ['outFeatures', outFeatures],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(`${who}: ${name} must be a positive integer, got ${value}`);
    }
  }
}

/**
 * Runs `body` on x flattened to [rows, in] and restores the leading dims on its [rows, out] result.
 * Flattening keeps every matmul 2D, the fast path on wasm (packages/backend/PERF.md).
 */
export function flatMatMul(
  who: string,
  x: tf.Tensor,
  inFeatures: number,
  body: (x2: tf.Tensor2D) => tf.Tensor,
): tf.Tensor {
  if (x.rank < 1 || x.shape[x.rank - 1] !== inFeatures) {
    throw new Error(`${who}: expected input [..., ${inFeatures}], got [${x.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const x2 = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, inFeatures]);
    const y = body(x2 as tf.Tensor2D);
    if (x.rank === 2) return y;
    const outFeatures = y.shape[1] as number;
    return tf.reshape(y, [...x.shape.slice(0, -1), outFeatures]);
  });
}
