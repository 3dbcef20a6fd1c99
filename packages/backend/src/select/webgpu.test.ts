// The webgpu backend in Node through Dawn: found, described, honest about software adapters,
// and released so the process can exit. Runs where a WebGPU adapter exists (Mesa's lavapipe in CI).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, releaseBackend } from './init-backend';
import { describeWebGpuAdapter, probeWebGpuAdapter, takeDeviceErrors } from './webgpu';

const adapter = await describeWebGpuAdapter().catch((error: Error) => error);
const missing = adapter instanceof Error ? adapter.message : undefined;

describe.skipIf(missing !== undefined)(`webgpu (skipped here: ${missing})`, () => {
  afterAll(() => releaseBackend());

  it('reads the same adapter from a child process (the silent probe initBackend makes unasked)', async () => {
    expect(await probeWebGpuAdapter()).toEqual(adapter);
  });

  it('is taken when asked for, names its adapter and computes', async () => {
    const info = await initBackend({ prefer: 'webgpu' });
    expect(info.name).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(info.adapter?.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]);
    expect(Array.from(await tf.matMul(a, b).data())).toEqual([4, 5, 10, 11]);
  });

  it('hands over the errors the device reports instead of computing nothing silently', async () => {
    await initBackend({ prefer: 'webgpu' });
    expect(takeDeviceErrors()).toEqual([]);
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    device.createBuffer({ size: 4, usage: 0xffffffff }); // an invalid usage: a validation error
    await device.queue.onSubmittedWorkDone();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const errors = takeDeviceErrors();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/invalid for WGPUBufferUsage/);
    expect(takeDeviceErrors()).toEqual([]);
  });

  it('adds any number of tensors with AddN (the stock shader fails past 8 buffers)', async () => {
    await initBackend({ prefer: 'webgpu' });
    takeDeviceErrors();
    // 20 terms of 2000 elements: large enough that webgpu does not hand them to cpu.
    const terms = Array.from({ length: 20 }, (_, k) => tf.fill([2000], k + 1));
    const before = tf.memory().numTensors;
    const sum = tf.addN(terms);
    expect(Array.from((await sum.data()).slice(0, 3))).toEqual([210, 210, 210]);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(takeDeviceErrors()).toEqual([]);
    tf.dispose([sum, ...terms]);
  });

  it.skipIf(adapter instanceof Error || !adapter.software)(
    'never picks a software adapter by itself, and says why',
    async () => {
      const info = await initBackend();
      expect(info.name).not.toBe('webgpu');
      expect(info.skipped[0]?.name).toBe('webgpu');
      expect(info.skipped[0]?.reason).toMatch(/software adapter, never picked automatically/);
    },
  );
});
