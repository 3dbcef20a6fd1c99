// countGpuWork counts what a webgpu step hands the GPU, and nothing on other backends.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';
import { describeOnWebGpu } from '../select/webgpu.test-support';
import { countGpuWork } from './gpu-work';

it('counts nothing off webgpu', async () => {
  await initBackend({ prefer: 'cpu' });
  expect(countGpuWork()).toBeNull();
});

describeOnWebGpu('countGpuWork on webgpu', () => {
  it('counts dispatches, the read that waits, and the upload', async () => {
    const a = tf.tensor1d([1, 2, 3, 4]);
    const counter = countGpuWork()!;
    try {
      expect(() => countGpuWork()).toThrow(/already running/);
      const b = tf.tidy(() => tf.sum(tf.mul(tf.add(a, 1), a)));
      expect(await b.data()).toEqual(new Float32Array([40]));
      const counts = counter.read();
      expect(counts.dispatches).toBe(3);
      expect(counts.syncs).toBe(1);
      expect(counts.uploads).toBeGreaterThanOrEqual(1); // a's values (and the scalar 1's)
      expect(counts.submits).toBeGreaterThanOrEqual(1);
      expect(Object.values(counts.byProgram).reduce((x, y) => x + y, 0)).toBe(3);
      // values read once are cached on the CPU: a second read waits for nothing
      counter.reset();
      await b.data();
      expect(counter.read()).toMatchObject({ dispatches: 0, syncs: 0 });
      tf.dispose([b]);
    } finally {
      counter.stop();
      a.dispose();
    }
    const again = countGpuWork()!;
    again.stop();
  });
});
