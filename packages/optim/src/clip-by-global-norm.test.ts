import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipByGlobalNorm, clipByGlobalNormTensor } from './clip-by-global-norm';

describe.each(['cpu', 'wasm'] as const)('clipByGlobalNorm on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('scales all gradients together and returns the norm before clipping', async () => {
    const a = tf.tensor1d([3, 0]);
    const b = tf.tensor2d([[0, 4]]);
    const before = tf.memory().numTensors;
    const { grads, norm } = await clipByGlobalNorm({ a, b }, 1);
    expect(norm).toBeCloseTo(5, 6);
    // torch: coefficient = maxNorm / (norm + 1e-6)
    const coefficient = 1 / (5 + 1e-6);
    expect(grads.a!.dataSync()[0]).toBeCloseTo(3 * coefficient, 6);
    expect(grads.b!.dataSync()[1]).toBeCloseTo(4 * coefficient, 6);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([a, b, grads.a!, grads.b!]);
  });

  it('leaves small gradients unchanged and keeps Map keys', async () => {
    const v = tf.variable(tf.zeros([2]));
    const g = tf.tensor1d([0.3, 0.4]);
    const { grads, norm } = await clipByGlobalNorm(new Map([[v, g]]), 1);
    expect(norm).toBeCloseTo(0.5, 6);
    expect(Array.from(grads.get(v)!.dataSync())).toEqual(Array.from(g.dataSync()));
    tf.dispose([v, g, grads.get(v)!]);
  });

  it('handles no gradients, bad maxNorm and non-finite norms', async () => {
    expect(await clipByGlobalNorm({}, 1)).toEqual({ grads: {}, norm: 0 });
    const g = tf.tensor1d([Number.NaN]);
    await expect(clipByGlobalNorm({ g }, 0)).rejects.toThrow(/maxNorm must be > 0/);
    const before = tf.memory().numTensors;
    await expect(clipByGlobalNorm({ g }, 1, { errorIfNonfinite: true })).rejects.toThrow(
      /non-finite/,
    );
    expect(tf.memory().numTensors).toBe(before);
    g.dispose();
  });

  it('keeps the norm on the device when asked, with the same floats', async () => {
    const a = tf.tensor1d([0.1, -2.5, 3.25]);
    const before = tf.memory().numTensors;
    const read = await clipByGlobalNorm({ a }, 1);
    const kept = clipByGlobalNormTensor({ a }, 1);
    expect(kept.norm.shape).toEqual([]);
    expect((await kept.norm.data())[0]).toBe(read.norm);
    expect(Array.from(await kept.grads.a!.data())).toEqual(Array.from(await read.grads.a!.data()));
    tf.dispose([kept.norm, kept.grads.a!, read.grads.a!]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => clipByGlobalNormTensor({ a }, -1)).toThrow(/maxNorm must be > 0/);
    a.dispose();
  });
});
