import { initBackend } from '@relora/backend';
import { denseLinear } from '@relora/lora';
import { maxAbsDiff, randomTensor } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { switchLoraInitBounds } from './init';
import { SwitchLoRALinear } from './switch-lora-linear';
import {
  countDown,
  maxMatrixDiff,
  type ReferenceSwitch,
  referenceOf,
  toRows,
} from './switch-reference.test-support';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

async function expectSameAsReference(layer: SwitchLoRALinear, ref: ReferenceSwitch): Promise<void> {
  // W accumulates float32 rank-k updates; A, B and the pools are copies, exact.
  expect(maxMatrixDiff(await toRows(layer.kernel, true), ref.W)).toBeLessThan(1e-6);
  expect(await toRows(layer.loraA, true)).toEqual(ref.A);
  expect(await toRows(layer.loraB, true)).toEqual(ref.B);
  expect(await toRows(layer.candidatesA)).toEqual(ref.poolA);
  expect(await toRows(layer.candidatesB)).toEqual(ref.poolB);
  const meta = layer.switchMeta();
  expect(meta.selectedA).toEqual(ref.selectedA);
  expect(meta.selectedB).toEqual(ref.selectedB);
  expect([meta.pointerA, meta.pointerB]).toEqual([ref.pointerA, ref.pointerB]);
  expect([meta.fixedA, meta.fixedB]).toEqual([ref.fixedA, ref.fixedB]);
}

describe('SwitchLoRALinear', () => {
  it('starts as the plain layer: W = W0 - s·A·B, slots from the pools as the official init', async () => {
    const base = denseLinear({ inFeatures: 12, outFeatures: 10, bias: false, seed: 3 });
    const x = randomTensor([5, 12], 4);
    const plain = base.apply(x);
    const w0 = await base.kernel.data();
    const layer = new SwitchLoRALinear(base, { rank: 4, seed: 5 });
    const merged = tf.tidy(() => tf.add(layer.kernel, layer.pendingUpdate()));
    expect(maxAbsDiff(await merged.data(), w0)).toBeLessThan(1e-7); // W + s·A·B = W0
    expect(base.kernel.trainable).toBe(false);
    expect(layer.candidateCount).toBe(10);
    expect(maxAbsDiff(await layer.apply(x).data(), await plain.data())).toBeLessThan(1e-6);
    const meta = layer.switchMeta();
    expect(meta.selectedA).toEqual([6, 7, 8, 9]);
    expect(meta.selectedB).toEqual([8, 9, 6, 7]); // rotated by r/2
    expect([meta.pointerA, meta.pointerB]).toEqual([0, 2]);
    const poolA = await toRows(layer.candidatesA);
    const poolB = await toRows(layer.candidatesB);
    expect(await toRows(layer.loraA, true)).toEqual(meta.selectedA.map((c) => poolA[c]));
    expect(await toRows(layer.loraB)).toEqual(meta.selectedB.map((c) => poolB[c]));
    const { boundA, boundB } = switchLoraInitBounds(12, 10, 4);
    expect(Math.max(...poolA.flat().map(Math.abs))).toBeLessThanOrEqual(boundA);
    expect(Math.max(...poolB.flat().map(Math.abs))).toBeLessThanOrEqual(boundB);
    expect(layer.namedVariables().map(([n]) => n)).toEqual([
      'weight',
      'lora_A.weight',
      'lora_B.weight',
    ]);
    tf.dispose([x, plain, merged]);
    layer.dispose();
  });

  it('switches as the official code (float64 reference) and keeps the output, switch after switch', async () => {
    // C = 7, r = 4: candidates wrap around the pool, and a 3-vector switch reuses the slots' own.
    const layer = new SwitchLoRALinear(
      denseLinear({ inFeatures: 7, outFeatures: 9, bias: false, seed: 1 }),
      { rank: 4, seed: 2 },
    );
    // A trained state: A and B away from their candidates.
    tf.tidy(() => {
      layer.loraA.assign(tf.add(layer.loraA, randomTensor([7, 4], 7, 0.3)));
      layer.loraB.assign(tf.add(layer.loraB, randomTensor([4, 9], 8, 0.3)));
    });
    const ref = await referenceOf(layer);
    const x = randomTensor([6, 7], 9);
    let switched = 0;
    for (const requested of [1, 2, 0, 3, 1, 2, 2, 1, 3, 1]) {
      const before = layer.apply(x);
      const tensors = tf.memory().numTensors;
      const done = layer.switchStep(requested, 2);
      expect(tf.memory().numTensors).toBe(tensors);
      const expected = ref.switch(requested, 2);
      expect(done.slotsA).toEqual(expected.a);
      expect(done.slotsB).toEqual(expected.b);
      switched += done.slotsA.length;
      const after = layer.apply(x);
      expect(maxAbsDiff(await after.data(), await before.data())).toBeLessThan(1e-5);
      tf.dispose([before, after]);
      await expectSameAsReference(layer, ref);
      layer.takeGradientMasks();
      countDown(ref.fixedA);
      countDown(ref.fixedB);
    }
    expect(switched).toBeGreaterThan(6);
    expect(layer.switchMeta().switchesA).toBe(switched);
    x.dispose();
    layer.dispose();
  });

  it('masks the frozen counterparts for adamWarmStep steps, then frees them', () => {
    const layer = new SwitchLoRALinear(
      denseLinear({ inFeatures: 8, outFeatures: 8, bias: false, seed: 1 }),
      {
        rank: 4,
        seed: 1,
      },
    );
    const done = layer.switchStep(1, 3);
    expect(done).toMatchObject({ slotsA: [0], slotsB: [2], candidatesA: [0], candidatesB: [0] });
    for (let step = 0; step < 3; step++) {
      const { a, b } = layer.takeGradientMasks();
      expect(Array.from(a!)).toEqual([1, 1, 0, 1]); // A's column 2: counterpart of B's row 2
      expect(Array.from(b!)).toEqual([0, 1, 1, 1]);
    }
    expect(layer.takeGradientMasks()).toEqual({ a: undefined, b: undefined });
    layer.dispose();
  });

  it('refuses a rank above min(in, out) and a bad restore, naming the problem', async () => {
    const base = denseLinear({ inFeatures: 4, outFeatures: 6, bias: false, seed: 1 });
    expect(() => new SwitchLoRALinear(base, { rank: 5 })).toThrow(
      /rank must be an integer in \[1, min\(in, out\) = 4\], got 5/,
    );
    const layer = new SwitchLoRALinear(base, { rank: 2 });
    const state = await layer.switchState();
    expect(() => layer.restoreSwitchState({ ...state, candidatesA: new Float32Array(3) })).toThrow(
      /candidatesA must hold 4 x 4 values, got 3/,
    );
    expect(() =>
      layer.restoreSwitchState({ ...state, meta: { ...state.meta, selectedA: [0, 9] } }),
    ).toThrow(/selectedA entries must be integers in \[0, 3\], got 9/);
    layer.dispose();
  });
});
