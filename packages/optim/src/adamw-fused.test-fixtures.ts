// Test helper: run AdamW on its ops path on a backend that has the fused kernel.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { ADAMW_UPDATE_KERNEL, hasFusedAdamW } from './adamw-fused';

/** Runs `fn` with the fused kernel unregistered on the current backend, so AdamW takes the ops path. */
export function withOpsPath<T>(fn: () => T): T {
  const config = tf.getKernel(ADAMW_UPDATE_KERNEL, tf.getBackend());
  if (!config) throw new Error(`withOpsPath: ${ADAMW_UPDATE_KERNEL} is not registered here`);
  tf.unregisterKernel(ADAMW_UPDATE_KERNEL, tf.getBackend());
  try {
    expect(hasFusedAdamW()).toBe(false);
    return fn();
  } finally {
    tf.registerKernel(config);
  }
}
