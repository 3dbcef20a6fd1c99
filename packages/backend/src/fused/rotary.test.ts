// The fused rotary kernel: the same bits on cpu and wasm, clear errors, nothing leaked.
import { ROTARY_KERNEL } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';
import { rotarySimdOf } from './wasm/rotary-simd';

const rotary = (x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor) =>
  tf.engine().runKernel(ROTARY_KERNEL, { x, cos, sin }) as tf.Tensor;

async function run(backend: 'cpu' | 'wasm', shape: [number, number, number, number]) {
  await initBackend({ prefer: backend });
  const [, seq, , dim] = shape;
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const cos = tf.randomNormal([seq, 1, dim], 0, 1, 'float32', 2);
  const sin = tf.randomNormal([seq, 1, dim], 0, 1, 'float32', 3);
  const before = tf.memory().numTensors;
  const y = rotary(x, cos, sin);
  expect(tf.memory().numTensors).toBe(before + 1);
  const values = Array.from(y.dataSync());
  tf.dispose([x, cos, sin, y]);
  return values;
}

describe('rotary kernel', () => {
  it('gives the same bits on cpu and wasm, odd sizes included', async () => {
    // on wasm, head dims with half a multiple of 4 (8, 32) run the SIMD loop, the others (2, 6) the JS loop
    await initBackend({ prefer: 'wasm' });
    expect(rotarySimdOf((tf.backend() as { wasm?: unknown }).wasm)).not.toBeNull();
    for (const shape of [
      [2, 5, 3, 8],
      [1, 3, 2, 32],
      [1, 1, 1, 2],
      [3, 7, 2, 6],
      [0, 4, 2, 8],
    ] as Array<[number, number, number, number]>) {
      expect(await run('wasm', shape)).toEqual(await run('cpu', shape));
    }
  });

  it('names what is wrong with its inputs', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ prefer: backend });
      const x = tf.zeros([1, 4, 2, 6]);
      const table = tf.zeros([4, 1, 6]);
      expect(() => rotary(x, tf.zeros([3, 1, 6]), table)).toThrow(
        `ReloraRotary (${backend}): 'cos' must be [4, 1, 6] for x [1,4,2,6], got [3,1,6]`,
      );
      expect(() => rotary(tf.zeros([4, 2, 6]), table, table)).toThrow(/x must be \[batch, seq/);
      expect(() =>
        rotary(tf.zeros([1, 4, 2, 5]), tf.zeros([4, 1, 5]), tf.zeros([4, 1, 5])),
      ).toThrow(/headDim must be even, got 5/);
      expect(() => rotary(tf.zeros([1, 4, 2, 6], 'int32'), table, table)).toThrow(
        /'x' must be float32, got int32/,
      );
      tf.dispose([x, table]);
    }
  });
});
