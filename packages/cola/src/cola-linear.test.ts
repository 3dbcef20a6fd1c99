// The CoLA layer: values against a float64 loop, CoLA-M's gradients and memory, init, errors.
import { initBackend } from '@relora/backend';
import { maxAbsDiff, randomTensor } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ColaLinear, colaInitStd, colaLinear } from './cola-linear';

/** σ(x A) B in float64, one scalar at a time: x [n, in], A [in, r], B [r, out], row-major. */
function colaFloat64(
  x: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  [n, inF, r, outF]: [number, number, number, number],
): Float64Array {
  const y = new Float64Array(n * outF);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < r; k++) {
      let z = 0;
      for (let j = 0; j < inF; j++) z += (x[i * inF + j] as number) * (a[j * r + k] as number);
      const act = z / (1 + Math.exp(-z));
      for (let o = 0; o < outF; o++) {
        y[i * outF + o] = (y[i * outF + o] as number) + act * (b[k * outF + o] as number);
      }
    }
  }
  return y;
}

function layerWithFactors(seed: number, recompute: boolean): ColaLinear {
  const layer = colaLinear({ inFeatures: 6, outFeatures: 5, rank: 3, recompute, seed });
  tf.tidy(() => {
    layer.colaA.assign(randomTensor([6, 3], seed + 1));
    layer.colaB.assign(randomTensor([3, 5], seed + 2));
  });
  return layer;
}

describe.each(['cpu', 'wasm'] as const)('ColaLinear on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it.each([false, true])('matches a float64 scalar loop (recompute %s)', async (recompute) => {
    const layer = layerWithFactors(10, recompute);
    const x = randomTensor([2, 4, 6], 20, 2);
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 4, 5]);
    const expected = colaFloat64(
      await x.data(),
      await layer.colaA.data(),
      await layer.colaB.data(),
      [8, 6, 3, 5],
    );
    expect(maxAbsDiff(await y.data(), expected)).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('CoLA-M gives the plain layer values and gradients, bit for bit', async () => {
    const plain = layerWithFactors(30, false);
    const recomputed = layerWithFactors(30, true);
    const x = randomTensor([7, 6], 31);
    const target = randomTensor([7, 5], 32);
    const gradsOf = (layer: ColaLinear) =>
      tf.tidy(() => {
        const loss = (input: tf.Tensor) =>
          tf.sum(tf.square(tf.sub(layer.apply(input), target))) as tf.Scalar;
        const { value, grads } = tf.variableGrads(() => loss(x));
        // The input's gradient too: CoLA-M's backward must hand it on to the layer below.
        const dx = tf.grad(loss)(x);
        return [value, grads[layer.colaA.name]!, grads[layer.colaB.name]!, dx];
      });
    const a = gradsOf(plain);
    const b = gradsOf(recomputed);
    for (let i = 0; i < a.length; i++) {
      expect(await b[i]!.data()).toEqual(await a[i]!.data());
    }
    tf.dispose([...a, ...b, x, target]);
    plain.dispose();
    recomputed.dispose();
  });

  it('CoLA-M keeps three [rows, r] buffers less for the backward, and neither leaks', () => {
    const rows = 64;
    const x = randomTensor([rows, 24], 40);
    // Distinct data buffers alive at the end of the forward: what the tape keeps, counted once
    // (tf.memory().numBytes counts each saved clone of a tensor again).
    const keptBuffers = (recompute: boolean) => {
      const layer = colaLinear({ inFeatures: 24, outFeatures: 16, rank: 8, recompute, seed: 41 });
      const before = tf.memory().numTensors;
      let atEndOfForward = 0;
      const { value, grads } = tf.variableGrads(() => {
        const loss = tf.sum(layer.apply(x)) as tf.Scalar;
        atEndOfForward = tf.memory().numDataBuffers;
        return loss;
      });
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      layer.dispose();
      return atEndOfForward;
    };
    // x A, its sigmoid and σ(x A).
    expect(keptBuffers(false) - keptBuffers(true)).toBe(3);
    x.dispose();
  });
});

describe('ColaLinear init and checks', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('draws both factors from N(0, r^-1/2 (in + out)^-1/2), reproducibly per seed and name', async () => {
    const make = (seed: number, name: string) =>
      colaLinear({ inFeatures: 200, outFeatures: 120, rank: 50, seed, name });
    const a = make(1, 'q');
    const b = make(1, 'q');
    const c = make(1, 'k');
    expect(await a.colaA.data()).toEqual(await b.colaA.data());
    expect(await a.colaA.data()).not.toEqual(await c.colaA.data());
    const std = colaInitStd(200, 120, 50);
    expect(std).toBeCloseTo(50 ** -0.25 * 320 ** -0.25, 12);
    for (const v of [a.colaA, a.colaB]) {
      const values = Array.from(await v.data<'float32'>());
      const mean = values.reduce((s, x) => s + x, 0) / values.length;
      const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length);
      expect(Math.abs(sd / std - 1)).toBeLessThan(0.05);
    }
    expect(a.namedVariables().map(([n, v]) => [n, v.shape])).toEqual([
      ['cola_a', [200, 50]],
      ['cola_b', [50, 120]],
    ]);
    for (const layer of [a, b, c]) layer.dispose();
  });

  it('refuses bad sizes and inputs with one-line messages', () => {
    expect(() => colaLinear({ inFeatures: 4, outFeatures: 3, rank: 0 })).toThrow(
      'colaLinear: rank must be a positive integer, got 0',
    );
    const layer = colaLinear({ inFeatures: 4, outFeatures: 3, rank: 2 });
    const x = tf.zeros([2, 5]);
    expect(() => layer.apply(x)).toThrow('colaLinear: expected input [..., 4], got [2, 5]');
    x.dispose();
    layer.dispose();
  });
});
