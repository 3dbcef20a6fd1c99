// Every op of a LLaMA forward and backward pass gives the same values and gradients on wasm as on cpu.
import { describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';
import { COPY_OP_CASES } from './copy-ops.test-support';
import { LLAMA_OP_CASES } from './llama-ops.test-support';
import { compareWithCpu } from './parity.test-support';

describe('wasm kernels match cpu (values and gradients)', () => {
  it.each(
    [...LLAMA_OP_CASES, ...COPY_OP_CASES].map((c, k) => [c.name, c, k] as const),
  )('%s', async (_name, c, k) => {
    const { worst, leaked } = await compareWithCpu(c, 1234 + k, async (prefer) => {
      // a kernel whose WebAssembly failed would still match cpu, only slower: fail on it here
      expect((await initBackend({ prefer })).kernelErrors).toEqual([]);
    });
    expect(leaked).toBe(0);
    expect(worst).toBeLessThan(1e-4);
  });
});
