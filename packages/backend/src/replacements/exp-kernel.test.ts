import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';

// float32's spacing at |v| (2^-149 below the normal range)
const ulp = (v: number) => 2 ** Math.max(Math.floor(Math.log2(Math.abs(v))) - 23, -149);

describe('Exp on wasm (SIMD loop)', () => {
  beforeAll(async () => {
    expect((await initBackend({ prefer: 'wasm' })).kernelErrors).toEqual([]);
  });

  it('is within 2 ulp of exp over float32 exp range, the last size % 4 elements included', async () => {
    // 20003 values from -87 to 88.7 (a float32 logit's whole useful range), and a tail of 3
    const xs = Float32Array.from({ length: 20003 }, (_, i) => -87 + (175.7 * i) / 20002);
    const got = await tf.exp(tf.tensor1d(xs)).data();
    const worst = Math.max(
      ...Array.from(xs, (x, i) => Math.abs(got[i]! - Math.exp(x)) / ulp(Math.exp(x))),
    );
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('gives 1 at 0, +inf past ln(FLT_MAX), 0 below 2^-126, and NaN for NaN', async () => {
    const xs = [0, 88.72, 88.73, 100, Infinity, -87.33, -88, -200, -Infinity, NaN, 1, -1];
    const got = Array.from(await tf.exp(tf.tensor1d(xs)).data());
    expect(got[0]).toBe(1);
    expect(got[1]! / 1e38).toBeCloseTo(Math.fround(Math.exp(88.72)) / 1e38, 5); // finite, near FLT_MAX
    expect(got.slice(2, 5)).toEqual([Infinity, Infinity, Infinity]);
    expect(got[5]! / Math.exp(-87.33)).toBeCloseTo(1, 5);
    expect(got.slice(6, 9)).toEqual([0, 0, 0]);
    expect(got[9]).toBeNaN();
    expect(got[10]! / Math.E).toBeCloseTo(1, 6);
    expect(got[11]! * Math.E).toBeCloseTo(1, 6);
  });

  it('leaves what is not float32 to the stock kernel, which it keeps bound', async () => {
    const x = tf.tensor1d([0, 1, 2], 'int32');
    const y = tf.engine().runKernel(tf.Exp, { x }) as tf.Tensor;
    const got = await y.data();
    expect(Array.from(got, (v, i) => v / Math.exp(i))).toEqual(
      [1, 1, 1].map(() => expect.closeTo(1, 6)),
    );
    tf.dispose([x, y]);
  });
});
