import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';
import { wasmSimdFeatures } from '../wasm/relaxed-simd';
import { heapFloats, heapOffset, internals } from '../wasm/wasm-heap';
import { kChunk, type MatMulSimd, matMulSimdOf, panelColumns } from './matmul-simd';

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

// a b in float64, and Σ |a||b| per element: the scale a float32 sum's rounding error is relative to.
function float64Product(a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const out = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) {
        out[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
        scale[i * n + j]! += Math.abs(a[i * k + p]! * b[p * n + j]!);
      }
    }
  }
  return { out, scale };
}

// Rows in blocks of 4 and single rows; k from 1; n one and several blocks of 8 columns.
const SHAPES = [
  [1, 1, 8],
  [4, 3, 8],
  [7, 5, 16],
  [13, 32, 64],
  [64, 32, 64],
  // k = 4096: panels of 16 columns (16 x 4096 floats = 256 KiB), the last one 8 wide
  [6, 4096, 40],
  // a last block of 4 columns, and columns past the last multiple of 4 (the last 4 again; n < 4
  // the JS loop)
  [5, 9, 4],
  [9, 7, 12],
  [6, 33, 67],
  [5, 20, 6],
  [3, 2, 1],
  // 16 rows and more, b past 32 KiB: b's panels packed (several of them at k = 4096)
  [21, 300, 67],
  [17, 4096, 40],
  // k past 8192: p in chunks of 2048, each continuing the sums in out (packed and not)
  [5, 8200, 12],
  [17, 9000, 16],
] as const;

// Runs `product` on seeded [m, k] and [k, n] inputs; the inputs' and the result's values.
function run(product: MatMulSimd, m: number, k: number, n: number) {
  const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
  const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
  const backend = internals(tf.backend());
  const out = backend.makeOutput([m, n], 'float32');
  product(heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out), m, k, n);
  const result = {
    a: a.dataSync() as Float32Array,
    b: b.dataSync() as Float32Array,
    out: Float32Array.from(heapFloats(backend, out)),
  };
  backend.disposeData(out.dataId);
  tf.dispose([a, b]);
  return result;
}

async function loopOf(wasmRelaxedSimd: boolean): Promise<MatMulSimd> {
  expect((await initBackend({ prefer: 'wasm', wasmRelaxedSimd })).kernelErrors).toEqual([]);
  const simd = matMulSimdOf(internals(tf.backend()).wasm);
  if (!simd) throw new Error('WebAssembly SIMD is unavailable in this Node');
  return simd;
}

describe('matmul SIMD loop (wasm), plain', () => {
  let product: MatMulSimd;
  beforeAll(async () => {
    product = await loopOf(false);
    expect(wasmSimdFeatures().fma).toBe(false);
  });

  it.each(
    SHAPES,
  )('[%i, %i] x [%i cols] gives the float32 sums in p order, bit for bit', (m, k, n) => {
    const { a, b, out } = run(product, m, k, n);
    expect(Array.from(out)).toEqual(Array.from(float32Product(a, b, m, k, n)));
  });

  it('splits b into column panels of at most 256 KiB, p past 8192 into chunks of 2048', () => {
    expect(panelColumns(128, 352)).toBe(352);
    expect(panelColumns(128, 258)).toBe(264);
    expect(panelColumns(4096, 40)).toBe(16);
    expect(panelColumns(8192, 64)).toBe(8);
    expect([kChunk(8192), kChunk(8193), kChunk(32100)]).toEqual([8192, 2048, 2048]);
    expect(panelColumns(kChunk(32100), 128)).toBe(32);
  });
});

describe('matmul SIMD loop (wasm), relaxed FMA', () => {
  let product: MatMulSimd;
  beforeAll(async () => {
    product = await loopOf(true);
  });

  it('is in use where relaxed SIMD validates, which initBackend arranges in Node 20', () => {
    // Node 20 needs V8's flag, which initBackend set; Node 22 has relaxed SIMD on.
    expect(wasmSimdFeatures()).toEqual({ simd: true, relaxedSimd: true, fma: true });
  });

  it.each(
    SHAPES,
  )('[%i, %i] x [%i cols] is within float32 rounding of the float64 product', (m, k, n) => {
    const { a, b, out } = run(product, m, k, n);
    const exact = float64Product(a, b, m, k, n);
    // A sum of k products in float32, each rounded once: |error| <= k·2^-24·Σ|a||b| (k·u bound).
    const worst = Math.max(
      ...Array.from(out, (v, q) => Math.abs(v - exact.out[q]!) / (k * 2 ** -24 * exact.scale[q]!)),
    );
    expect(worst).toBeLessThanOrEqual(1);
    // and it is not the plain loop's result (where the CPU fuses: every x86-64 with FMA3, ARM64)
    if (k >= 32) expect(Array.from(out)).not.toEqual(Array.from(float32Product(a, b, m, k, n)));
  });

  it('gives way to the plain loop when switched off, by option or by RELORA_WASM_RELAXED=0', async () => {
    await initBackend({ prefer: 'wasm', wasmRelaxedSimd: false });
    expect(wasmSimdFeatures().fma).toBe(false);
    process.env.RELORA_WASM_RELAXED = '0';
    try {
      await initBackend({ prefer: 'wasm' });
      expect(wasmSimdFeatures()).toEqual({ simd: true, relaxedSimd: true, fma: false });
    } finally {
      delete process.env.RELORA_WASM_RELAXED;
    }
    await initBackend({ prefer: 'wasm' });
    expect(wasmSimdFeatures().fma).toBe(true);
  });
});
