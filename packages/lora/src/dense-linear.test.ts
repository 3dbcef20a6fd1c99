import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { denseLinear } from './dense-linear';

describe.each(['cpu', 'wasm'] as const)('denseLinear on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('maps [..., in] to [..., out] as x W + b, initialised as torch nn.Linear', () => {
    const layer = denseLinear({ inFeatures: 9, outFeatures: 4, seed: 1 });
    expect(layer.namedVariables().map(([s, v]) => [s, v.shape])).toEqual([
      ['weight', [9, 4]],
      ['bias', [4]],
    ]);
    const bound = tf.tidy(() => tf.max(tf.abs(layer.kernel)).dataSync()[0] as number);
    expect(bound).toBeLessThanOrEqual(1 / 3);
    const x = tf.randomNormal([2, 3, 9], 0, 1, 'float32', 2);
    const y = layer.apply(x);
    const expected = tf.tidy(() =>
      tf.add(tf.matMul(tf.reshape(x, [6, 9]), layer.kernel), layer.bias as tf.Tensor),
    );
    expect(y.shape).toEqual([2, 3, 4]);
    expect(
      tf.tidy(() => tf.max(tf.abs(tf.sub(tf.reshape(y, [6, 4]), expected))).dataSync()[0]),
    ).toBeLessThan(1e-6);
    tf.dispose([x, y, expected]);
    layer.dispose();
    expect(() => denseLinear({ inFeatures: 0, outFeatures: 4 })).toThrow(
      /inFeatures must be a positive integer/,
    );
  });

  it('has no bias when asked', () => {
    const layer = denseLinear({ inFeatures: 3, outFeatures: 2, bias: false });
    expect(layer.bias).toBeUndefined();
    expect(layer.namedVariables().map(([s]) => s)).toEqual(['weight']);
    layer.dispose();
  });
});
