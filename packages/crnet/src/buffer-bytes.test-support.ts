// Distinct tensor buffers on the cpu backend, for counting what a backward keeps. tf.memory().numBytes
// counts each tensor handle, so the clones tfjs saves for the backward (which share a buffer) count twice.
import * as tf from '@tensorflow/tfjs-core';

interface Storage {
  set(id: object, value: { values?: { byteLength: number } }): void;
  delete(id: object): boolean;
}

/**
 * Runs `fn` with the cpu backend's data storage watched; `bytes()` inside it sums the bytes of
 * the buffers alive. Restores the storage afterwards.
 */
export async function withBufferBytes<T>(fn: (bytes: () => number) => Promise<T>): Promise<T> {
  if (tf.getBackend() !== 'cpu') throw new Error('withBufferBytes: needs the cpu backend');
  const data = (tf.backend() as unknown as { data: Storage }).data;
  const live = new Map<object, { values?: { byteLength: number } }>();
  const { set, delete: remove } = data;
  data.set = (id, value) => {
    live.set(id, value);
    set.call(data, id, value);
  };
  data.delete = (id) => {
    live.delete(id);
    return remove.call(data, id);
  };
  try {
    return await fn(() => {
      let sum = 0;
      for (const value of live.values()) sum += value.values?.byteLength ?? 0;
      return sum;
    });
  } finally {
    data.set = set;
    data.delete = remove;
  }
}
