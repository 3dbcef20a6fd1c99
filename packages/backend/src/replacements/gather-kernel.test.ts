import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';

describe('GatherV2 (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('gathers int32 rows as the cpu backend does', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    const y = tf.gather(x, tf.tensor1d([2, 0, 2], 'int32'));
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([5, 6, 1, 2, 5, 6]);
    tf.dispose([x, y]);
  });

  it('rejects an index out of range, naming it and the range, and leaks nothing', () => {
    const x = tf.zeros([4, 3]);
    const ids = tf.tensor1d([1, 4], 'int32');
    const before = tf.memory().numTensors;
    expect(() => tf.gather(x, ids)).toThrow('GatherV2: the index value 4 is not in [0, 3]');
    expect(() => tf.gather(x, tf.tensor1d([-1], 'int32'))).toThrow('index value -1');
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, ids]);
  });

  it('gathers per batch with batchDims (stock tfjs-backend-wasm 4.22 returns [3, 4, 3, 4] here)', () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const ids = tf.tensor2d([1, 0], [2, 1], 'int32');
    const y = tf.gather(x, ids, 1, 1);
    expect(y.shape).toEqual([2, 1, 2]);
    expect(Array.from(y.dataSync())).toEqual([3, 4, 5, 6]);
    tf.dispose([x, ids, y]);
  });

  it('gathers bool tensors (1 byte each on the heap)', () => {
    const x = tf.tensor1d([true, false, true], 'bool');
    const ids = tf.tensor1d([1, 2], 'int32');
    const y = tf.gather(x, ids);
    expect(y.dtype).toBe('bool');
    expect(Array.from(y.dataSync())).toEqual([0, 1]);
    tf.dispose([x, ids, y]);
  });
});
