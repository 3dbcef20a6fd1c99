import { initBackend } from '@relora/backend';
import { randomTensor } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GaLoreAdamW } from './galore-adamw';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

describe('a short least-squares run', () => {
  it.each([false, true])('fira %s: the loss falls by more than half in 60 steps', async (fira) => {
    // Fit x W ≈ y for a W of rank 8 (a 32 x 48 kernel projected at rank 4, refreshed every 10 steps).
    const x = randomTensor([64, 32], 1);
    const target = tf.matMul(randomTensor([32, 8], 2), randomTensor([8, 48], 3));
    const y = tf.matMul(x, target);
    const w = tf.variable(tf.zeros([32, 48]));
    const opt = new GaLoreAdamW({ lr: 0.05, rank: 4, updateProjGap: 10, fira }, [w]);
    const losses: number[] = [];
    for (let step = 0; step < 60; step++) {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))) as tf.Scalar,
        [w],
      );
      losses.push((await value.data())[0]!);
      await opt.applyGradients(grads);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
    opt.dispose();
    tf.dispose([x, target, y, w]);
  });
});
