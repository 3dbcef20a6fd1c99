import { initBackend } from '@relora/backend';
import { DROPOUT_MASK_KERNEL } from '@relora/core';
import { withoutKernels } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropoutMultiplier } from './dropout-mask';

function values(
  rate: number,
  seed: number | string | undefined,
  scale = 1,
  shape: [number, number] = [256, 384],
) {
  const t = dropoutMultiplier(shape, rate, seed, scale);
  const data = t.dataSync().slice();
  t.dispose();
  return data;
}

describe('dropoutMultiplier', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('keeps 1 - rate of the elements, each as scale / (1 - rate), the rest 0', () => {
    for (const rate of [0.1, 0.3, 0.5, 0.9]) {
      const data = values(rate, `layer:dropout:${rate}`, 0.25);
      const kept = Math.fround(0.25 / (1 - rate));
      let count = 0;
      let other = 0;
      for (const v of data) {
        if (v === kept) count++;
        else if (v !== 0) other++;
      }
      expect(other).toBe(0);
      // Binomial standard deviation over 98304 draws is <= 0.0016: allow 4 of them.
      expect(Math.abs(count / data.length - (1 - rate))).toBeLessThan(0.0064);
    }
    expect(values(0, 'x').every((v) => v === 1)).toBe(true);
  });

  it('gives the same mask for the same seed on every backend, different ones otherwise', async () => {
    const a = values(0.1, 'q:dropout:7');
    expect(values(0.1, 'q:dropout:7')).toEqual(a);
    await initBackend({ prefer: 'wasm' });
    expect(values(0.1, 'q:dropout:7')).toEqual(a);
    await initBackend({ prefer: 'cpu' });
    for (const other of [
      values(0.1, 'q:dropout:8'),
      values(0.1, 'k:dropout:7'),
      values(0.1, undefined),
    ]) {
      let same = 0;
      for (let i = 0; i < a.length; i++) if ((a[i] !== 0) === (other[i] !== 0)) same++;
      // Independent masks agree on 0.9² + 0.1² = 82% of the elements.
      expect(same / a.length).toBeGreaterThan(0.8);
      expect(same / a.length).toBeLessThan(0.84);
    }
  });

  it('draws neighbours and rows independently (no stripes a sequence could line up with)', () => {
    const shape: [number, number] = [512, 128];
    const data = values(0.5, 'stripes', 1, shape);
    const bit = (i: number) => (data[i] !== 0 ? 1 : -1);
    const correlation = (lag: number) => {
      let sum = 0;
      for (let i = 0; i + lag < data.length; i++) sum += bit(i) * bit(i + lag);
      return sum / (data.length - lag);
    };
    // For independent ±1 draws the lag correlation has standard deviation 1/sqrt(65536) ≈ 0.004.
    for (const lag of [1, 2, 3, 4, 8, 16, 32, 128, 256])
      expect(Math.abs(correlation(lag))).toBeLessThan(0.02);
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => dropoutMultiplier([2, 2], 1, 's')).toThrow(/rate must be in \[0, 1\), got 1/);
    expect(() => dropoutMultiplier([2, 2], -0.1, 's')).toThrow(/rate must be in \[0, 1\)/);
  });
});

// The JS loop, as on a backend without the kernel (webgl, tfjs-node): unregistered for the call.
const withoutKernel = <T>(draw: () => T): T => withoutKernels([DROPOUT_MASK_KERNEL], draw);

// -1 when equal; the first index that differs otherwise (deep equality of 65k elements is slow).
function firstDifference(a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const bitsOf = (t: tf.Tensor2D) => {
  const bits = new Int32Array(Float32Array.from(t.dataSync() as Float32Array).buffer);
  t.dispose();
  return bits;
};

describe.each(['cpu', 'wasm'] as const)('%s: dropoutMultiplier through the kernel', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('draws the bits of the JS loop (and the masks seeds gave before the kernel)', () => {
    const cases: Array<[[number, number], number, string | number, number]> = [
      [[0, 4], 0.1, 'empty', 1],
      [[1, 1], 0.1, 0, 1],
      [[1, 5], 0.5, 'five', 0.25],
      [[3, 341], 0.1, 'q:dropout:3', 0.5],
      [[512, 128], 0.1, '0:q:dropout:0', 0.25],
      [[64, 352], 0, 'rate 0', 1],
      [[7, 9], 0.9, 12, 3],
    ];
    for (const [shape, rate, seed, scale] of cases) {
      const before = tf.memory().numTensors;
      const viaKernel = dropoutMultiplier(shape, rate, seed, scale);
      expect(viaKernel.shape).toEqual(shape);
      expect(tf.memory().numTensors).toBe(before + 1);
      const loop = withoutKernel(() => dropoutMultiplier(shape, rate, seed, scale));
      expect(firstDifference(bitsOf(viaKernel), bitsOf(loop))).toBe(-1);
      expect(tf.memory().numTensors).toBe(before);
    }
    // drawn by the JS loop before the kernel existed: seeded runs keep their masks
    expect(Array.from(dropoutMultiplier([2, 5], 0.5, 'q:dropout:7', 0.25).dataSync())).toEqual([
      0.5, 0, 0.5, 0, 0, 0, 0.5, 0.5, 0, 0.5,
    ]);
  });
});
