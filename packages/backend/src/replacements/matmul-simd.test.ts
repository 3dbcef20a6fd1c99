import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';
import { heapFloats, heapOffset, internals } from '../wasm/wasm-heap';
import { type MatMulSimd, matMulSimdOf, panelColumns } from './matmul-simd';

// a b with each product and each sum rounded to float32, p in order: what the SIMD loop computes.
function float32Product(a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++)
        sum = Math.fround(sum + Math.fround(a[i * k + p]! * b[p * n + j]!));
      out[i * n + j] = sum;
    }
  }
  return out;
}

describe('matmul SIMD loop (wasm)', () => {
  let product: MatMulSimd;
  beforeAll(async () => {
    expect((await initBackend({ prefer: 'wasm' })).kernelErrors).toEqual([]);
    const simd = matMulSimdOf(internals(tf.backend()).wasm);
    if (!simd) throw new Error('WebAssembly SIMD is unavailable in this Node');
    product = simd;
  });

  // Rows in blocks of 4 and single rows; k from 1; n one and several blocks of 8 columns.
  it.each([
    [1, 1, 8],
    [4, 3, 8],
    [7, 5, 16],
    [13, 32, 64],
    [64, 32, 64],
    // k = 4096: panels of 16 columns (16 x 4096 floats = 256 KiB), the last one 8 wide
    [6, 4096, 40],
    // a last block of 4 columns, and columns past the last multiple of 4 (the JS loop)
    [5, 9, 4],
    [9, 7, 12],
    [6, 33, 67],
    [3, 2, 1],
  ])('[%i, %i] x [%i cols] gives the float32 sums in p order, bit for bit', (m, k, n) => {
    const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
    const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
    const backend = internals(tf.backend());
    const out = backend.makeOutput([m, n], 'float32');
    product(heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out), m, k, n);
    const expected = float32Product(
      a.dataSync() as Float32Array,
      b.dataSync() as Float32Array,
      m,
      k,
      n,
    );
    expect(Array.from(heapFloats(backend, out))).toEqual(Array.from(expected));
    backend.disposeData(out.dataId);
    tf.dispose([a, b]);
  });

  it('splits b into column panels of at most 256 KiB, and declines k past 8192', () => {
    expect(panelColumns(128, 352)).toBe(352);
    expect(panelColumns(128, 258)).toBe(264);
    expect(panelColumns(4096, 40)).toBe(16);
    expect(panelColumns(8192, 64)).toBe(8);
    expect(panelColumns(8193, 64)).toBe(0);
  });
});
