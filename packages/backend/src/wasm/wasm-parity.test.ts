// Every op of a LLaMA forward and backward pass gives the same values and gradients on wasm as on cpu.
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { COPY_OP_CASES } from './copy-op-cases';
import { LLAMA_OP_CASES } from './llama-op-cases';
import { compareWithCpu } from './parity-harness';

describe('wasm kernels match cpu (values and gradients)', () => {
  it.each(
    [...LLAMA_OP_CASES, ...COPY_OP_CASES].map((c, k) => [c.name, c, k] as const),
  )('%s', async (_name, c, k) => {
    const { worst, leaked } = await compareWithCpu(c, 1234 + k, (prefer) =>
      initBackend({ prefer }),
    );
    expect(leaked).toBe(0);
    expect(worst).toBeLessThan(1e-4);
  });
});
