// copyTensorInto and tensorFromValues move values between tensors and caller-owned (shared) arrays.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';
import { copyTensorInto, tensorFromValues } from './tensor-values';

describe.each(['cpu', 'wasm'] as const)('tensor values on %s', (prefer) => {
  it('copies a tensor into part of a SharedArrayBuffer and back, allocating no tensor', async () => {
    await initBackend({ prefer });
    const shared = new Float32Array(new SharedArrayBuffer(8 * 4));
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const before = tf.memory().numTensors;
    copyTensorInto(x, shared.subarray(1, 7));
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(shared)).toEqual([0, 1, 2, 3, 4, 5, 6, 0]);

    const y = tensorFromValues(shared.subarray(1, 7), [3, 2]);
    expect(y.shape).toEqual([3, 2]);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    tf.dispose([x, y]);
  });

  it('makes a tensor that keeps its values when the source array is reused', async () => {
    await initBackend({ prefer });
    const source = new Float32Array([1, 2, 3]);
    const y = tensorFromValues(source, [3]);
    source.fill(9);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
  });

  it('names the mismatch when sizes or dtypes differ', async () => {
    await initBackend({ prefer });
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    expect(() => copyTensorInto(x, new Float32Array(3))).toThrow(
      'copyTensorInto: the tensor has 4 values [2, 2] but the array holds 3',
    );
    const ids = tf.tensor1d([1, 2], 'int32');
    expect(() => copyTensorInto(ids, new Float32Array(2))).toThrow(
      'copyTensorInto: expected a float32 tensor, got int32',
    );
    expect(() => tensorFromValues(new Float32Array(5), [2, 2])).toThrow(
      'tensorFromValues: shape [2, 2] holds 4 values, got 5',
    );
    tf.dispose([x, ids]);
  });
});
