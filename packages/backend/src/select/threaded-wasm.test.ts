// The threaded wasm build starts in Node with 2 threads and computes what cpu computes.
import {
  ADAMW_UPDATE_KERNEL,
  DROPOUT_MASK_KERNEL,
  RMS_NORM_GRAD_KERNEL,
  RMS_NORM_KERNEL,
  ROTARY_KERNEL,
} from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
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

// The fused AdamW kernel's SIMD loop imports the heap's memory, which is shared with threads.
const ADAMW: OpCase = {
  name: 'fused AdamW update [1001] (SIMD on the shared heap, JS tail)',
  inputs: [{ shape: [1001] }, { shape: [1001] }, { shape: [1001] }, { shape: [1001] }],
  fn: (p, g, m, v) => {
    const attrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1, step: 3 };
    const inputs = { param: p, grad: g!, m: m!, v: tf.abs(v!) };
    return tf.concat(tf.engine().runKernel(ADAMW_UPDATE_KERNEL, inputs, attrs) as tf.Tensor[]);
  },
  grad: false,
};

// The dropout mask's SIMD loop too; no inputs, and any element that differs is off by ~100%.
const DROPOUT_MASK: OpCase = {
  name: 'dropout mask [37, 29] (SIMD on the shared heap, JS tail)',
  inputs: [],
  fn: () => {
    const attrs = { rows: 37, cols: 29, keyA: -123456789, keyB: 987654321 };
    const rest = { threshold: Math.floor(0.8 * 2 ** 31), keptBits: 0x3fa00000 }; // 1.25
    return tf.engine().runKernel(DROPOUT_MASK_KERNEL, {}, { ...attrs, ...rest }) as tf.Tensor;
  },
  grad: false,
};

// The rotary kernel's SIMD loop (half a head of 4 floats: 4-lane vectors, table row per position).
const ROTARY: OpCase = {
  name: 'rotary [2, 5, 3, 8] (SIMD on the shared heap)',
  inputs: [{ shape: [2, 5, 3, 8] }, { shape: [5, 1, 8] }, { shape: [5, 1, 8] }],
  fn: (x, cos, sin) =>
    tf.engine().runKernel(ROTARY_KERNEL, { x, cos: cos!, sin: sin! }) as tf.Tensor,
  grad: false,
};

// The RMSNorm kernels' SIMD loops, forward and backward: [y, invRms, dx, dWeight] flattened.
const RMS_NORM: OpCase = {
  name: 'RMSNorm and its gradient [6, 16] (SIMD on the shared heap)',
  inputs: [{ shape: [6, 16] }, { shape: [16] }, { shape: [6, 16] }],
  fn: (x, weight, dy) => {
    const [y, invRms] = tf
      .engine()
      .runKernel(RMS_NORM_KERNEL, { x, weight: weight! }, { epsilon: 1e-6 }) as tf.Tensor[];
    const grads = tf
      .engine()
      .runKernel(RMS_NORM_GRAD_KERNEL, { dy: dy!, x, weight: weight!, invRms: invRms! });
    return tf.concat([y!, invRms!, ...(grads as tf.Tensor[])].map((t) => tf.reshape(t, [-1])));
  },
  grad: false,
};

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
