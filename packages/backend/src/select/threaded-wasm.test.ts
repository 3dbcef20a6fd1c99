// The threaded wasm build starts in Node with 2 threads and computes what cpu computes.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ADAMW, DROPOUT_MASK, RMS_NORM, ROTARY } from '../fused/fused-ops.test-support';
import { adamwSimdOf } from '../fused/wasm/adamw-simd';
import { dropoutMaskSimdOf } from '../fused/wasm/dropout-mask-simd';
import { rmsNormGradSimdOf, rmsNormSimdOf } from '../fused/wasm/rms-norm-simd';
import { rotarySimdOf } from '../fused/wasm/rotary-simd';
import { LLAMA_OP_CASES, type OpCase } from '../replacements/llama-ops.test-support';
import { matMulSimdOf } from '../replacements/matmul-simd';
import { compareWithCpu } from '../replacements/parity.test-support';
import { initBackend } from './init-backend';

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
  const init = async (prefer: 'cpu' | 'wasm') => {
    const info = await initBackend(prefer === 'wasm' ? { prefer, wasmThreads: 2 } : { prefer });
    expect(info.kernelErrors).toEqual([]);
    return info;
  };

  it('starts with 2 threads', async () => {
    const info = await init('wasm');
    expect(info.threads).toBe(2);
    await expect(initBackend({ prefer: 'wasm', wasmThreads: 3 })).rejects.toThrow(
      /already runs with 2 thread/,
    );
  });

  it('compiles the fused AdamW, dropout mask, rotary, RMSNorm and matmul SIMD loops for the shared heap', async () => {
    await init('wasm');
    const wasm = (tf.backend() as { wasm?: { HEAPU8: Uint8Array } }).wasm!;
    expect(wasm.HEAPU8.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(adamwSimdOf(wasm)).not.toBeNull();
    expect(dropoutMaskSimdOf(wasm)).not.toBeNull();
    expect(rotarySimdOf(wasm)).not.toBeNull();
    expect(rmsNormSimdOf(wasm)).not.toBeNull();
    expect(rmsNormGradSimdOf(wasm)).not.toBeNull();
    expect(matMulSimdOf(wasm)).not.toBeNull();
  });

  it.each(
    [...BIG, ADAMW, ...LLAMA_OP_CASES, DROPOUT_MASK, ROTARY, RMS_NORM].map(
      (c, k) => [c.name, c, k] as const,
    ),
  )('%s matches cpu', async (_name, c, k) => {
    const { worst, leaked } = await compareWithCpu(c, 99 + k, init);
    expect(leaked).toBe(0);
    expect(worst).toBeLessThan(1e-4);
  });
});
