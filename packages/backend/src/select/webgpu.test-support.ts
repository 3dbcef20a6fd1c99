// Suites that need a WebGPU adapter: skipped, saying why, where none exists (no GPU driver, no Dawn).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { initBackend, releaseBackend } from './init-backend';
import { describeWebGpuAdapter } from './webgpu';

/** Why WebGPU cannot run in this process, or undefined where it can. */
export const webGpuMissing: string | undefined = await describeWebGpuAdapter().then(
  () => undefined,
  (error: Error) => error.message,
);

/**
 * A `describe` that runs only where a WebGPU adapter exists (the reason it is skipped goes in its
 * title). It starts webgpu with the backend's forwarding of small tensors to cpu turned off, so
 * that the small cases of a test run the GPU's kernels, and releases the backend after, so the
 * process can exit.
 */
export function describeOnWebGpu(title: string, body: () => void): void {
  const skipped = webGpuMissing === undefined ? '' : ` (skipped: ${webGpuMissing})`;
  describe.skipIf(webGpuMissing !== undefined)(`${title}${skipped}`, () => {
    beforeAll(async () => {
      await initBackend({ prefer: 'webgpu' });
      tf.env().set('WEBGPU_CPU_FORWARD', false);
    });
    afterAll(() => releaseBackend());
    body();
  });
}
