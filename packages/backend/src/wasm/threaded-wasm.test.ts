// The threaded wasm build starts in Node with 2 threads and computes what cpu computes.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { LLAMA_OP_CASES, type OpCase } from './llama-op-cases';
import { compareWithCpu } from './parity-harness';

// Large enough that XNNPACK splits the work over the pool.
const BIG: OpCase[] = [
  {
    name: 'linear-layer matMul [256,128]x[128,96]',
    inputs: [{ shape: [256, 128] }, { shape: [128, 96] }],
    fn: (a, b) => tf.matMul(a, b!),
  },
  {
    name: 'dW matMul transposeA [256,128]ᵀx[256,96]',
    inputs: [{ shape: [256, 128] }, { shape: [256, 96] }],
    fn: (a, b) => tf.matMul(a, b!, true, false),
  },
  {
    name: 'attention scores [8,64,32]x[8,64,32]ᵀ',
    inputs: [{ shape: [8, 64, 32] }, { shape: [8, 64, 32] }],
    fn: (a, b) => tf.softmax(tf.matMul(a, b!, false, true)),
  },
];

describe('threaded wasm (wasmThreads: 2)', () => {
  const init = (prefer: 'cpu' | 'wasm') =>
    initBackend(prefer === 'wasm' ? { prefer, wasmThreads: 2 } : { prefer });

  it('starts with 2 threads', async () => {
    const info = await init('wasm');
    expect(info.threads).toBe(2);
    await expect(initBackend({ prefer: 'wasm', wasmThreads: 3 })).rejects.toThrow(
      /already runs with 2 thread/,
    );
  });

  it.each(
    [...BIG, ...LLAMA_OP_CASES].map((c, k) => [c.name, c, k] as const),
  )('%s matches cpu', async (_name, c, k) => {
    const { worst, leaked } = await compareWithCpu(c, 99 + k, init);
    expect(leaked).toBe(0);
    expect(worst).toBeLessThan(1e-4);
  });
});
