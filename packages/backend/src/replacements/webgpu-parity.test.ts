// Every op of a LLaMA forward and backward pass gives the same values and gradients on webgpu as
// on cpu: tfjs-backend-webgpu 4.22 has every kernel they need. The copy cases written for the
// wasm replacements run too, but for two that meet bugs of tfjs-backend-webgpu 4.22 a LLaMA never
// meets (listed below, with what goes wrong).
import { expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';
import { describeOnWebGpu } from '../select/webgpu.test-support';
import { COPY_OP_CASES } from './copy-ops.test-support';
import { LLAMA_OP_CASES } from './llama-ops.test-support';
import { compareWithCpu } from './parity.test-support';

/** Cases tfjs-backend-webgpu 4.22 gets wrong, and how. */
const WEBGPU_BUGS: Readonly<Record<string, string>> = {
  // Slice and Pad index a vec5 the shader declares as a struct: the WGSL does not compile and the
  // output stays zeros (Dawn only logs the error)
  'slice 5D': 'rank-5 Slice and Pad give zeros',
  // the gradient sums an empty tensor, and the backend asks Dawn for a buffer of a size it refuses
  'slice empty': 'Sum of an empty tensor throws',
};

describeOnWebGpu('webgpu kernels match cpu (values and gradients)', () => {
  const init = (prefer: 'cpu' | 'webgpu') => initBackend({ prefer });
  const cases = [...LLAMA_OP_CASES, ...COPY_OP_CASES].map((c, k) => [c.name, c, k] as const);

  it.each(cases.filter(([name]) => !(name in WEBGPU_BUGS)))('%s', async (_name, c, k) => {
    const { worst, leaked } = await compareWithCpu(c, 1234 + k, init, 'webgpu');
    expect(leaked).toBe(0);
    expect(worst).toBeLessThan(1e-4);
  });

  // Not run: an invalid pipeline invalidates the whole command buffer it was recorded in, and
  // Dawn prints every step of that.
  it.skip.each(Object.entries(WEBGPU_BUGS))('%s (skipped: tfjs-backend-webgpu 4.22: %s)', () => {});
});
