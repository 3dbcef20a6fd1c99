// AdamW through @relora/backend's fused kernel gives the ops path's floats, leaks nothing, copies stay.
import { initBackend } from '@relora/backend';
import { maxRelativeError, seededUniform } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw';
import { hasFusedAdamW } from './adamw-fused';
import { withOpsPath } from './adamw-fused.test-support';

describe.each(['cpu', 'wasm'] as const)('AdamW fused path on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
    expect(hasFusedAdamW()).toBe(true);
  });

  it.each([0, 0.1])('equals the ops path over 8 steps (weight decay %s)', (weightDecay) => {
    const shapes = [[], [7], [5, 13], [1]];
    const rand = seededUniform(17 + weightDecay * 100, -0.5, 0.5);
    const initial = shapes.map((s) =>
      Float32Array.from({ length: tf.util.sizeFromShape(s) }, rand),
    );
    const make = () => initial.map((values, k) => tf.variable(tf.tensor(values, shapes[k]!)));
    const fused = make();
    const ops = make();
    const optFused = new AdamW({ lr: 0.01, weightDecay });
    const optOps = new AdamW({ lr: 0.01, weightDecay });
    for (let step = 0; step < 8; step++) {
      // the last variable starts late, so its bias correction runs on its own step count
      const count = step < 3 ? shapes.length - 1 : shapes.length;
      const grads = shapes
        .slice(0, count)
        .map((s) => tf.tensor(Float32Array.from({ length: tf.util.sizeFromShape(s) }, rand), s));
      const lr = 0.01 * (1 + step / 4); // a schedule: per-call lr reaches the kernel
      optFused.applyGradients(new Map(grads.map((g, k) => [fused[k]!, g])), { lr });
      withOpsPath(() => optOps.applyGradients(new Map(grads.map((g, k) => [ops[k]!, g])), { lr }));
      tf.dispose(grads);
    }
    for (let k = 0; k < shapes.length; k++) {
      expect(maxRelativeError(fused[k]!, ops[k]!)).toBeLessThan(1e-6);
      const [a, b] = [optFused.slot(fused[k]!)!, optOps.slot(ops[k]!)!];
      expect(maxRelativeError(a.m, b.m)).toBeLessThan(1e-6);
      expect(maxRelativeError(a.v, b.v)).toBeLessThan(1e-6);
      expect(a.step).toBe(b.step);
    }
    tf.dispose([...fused, ...ops]);
    optFused.dispose();
    optOps.dispose();
  });

  it('leaks no tensor per step and leaves a clone of the variable as it was', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const g = tf.tensor1d([0.5, -1, 2]);
    const opt = new AdamW({ lr: 0.1, weightDecay: 0.1 });
    opt.applyGradients(new Map([[w, g]])); // creates m and v
    const before = tf.memory().numTensors;
    // A clone shares the variable's data (cpu, and wasm with @relora/backend's Identity), as a
    // LoRA layer's saved copy of W does: the update must not write into it.
    const copy = tf.clone(w);
    const copyValues = Array.from(copy.dataSync());
    const mBefore = tf.clone(opt.slot(w)!.m);
    const mValues = Array.from(mBefore.dataSync());
    for (let i = 0; i < 5; i++) opt.applyGradients(new Map([[w, g]]));
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(Array.from(copy.dataSync())).toEqual(copyValues);
    expect(Array.from(mBefore.dataSync())).toEqual(mValues);
    expect(Array.from(w.dataSync())).not.toEqual(copyValues);
    expect(Array.from(g.dataSync())).toEqual([0.5, -1, 2]);
    tf.dispose([w, g, copy, mBefore]);
    opt.dispose();
  });

  it('casts a non-float32 gradient first, as the ops path does', () => {
    const [a, b] = [tf.variable(tf.tensor1d([1, 2])), tf.variable(tf.tensor1d([1, 2]))];
    const g = tf.tensor1d([1, -3], 'int32');
    const [optA, optB] = [new AdamW({ lr: 0.1 }), new AdamW({ lr: 0.1 })];
    const before = tf.memory().numTensors;
    optA.applyGradients(new Map([[a, g]]));
    withOpsPath(() => optB.applyGradients(new Map([[b, g]])));
    expect(tf.memory().numTensors).toBe(before + 4); // m and v of each
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b, g]);
    optA.dispose();
    optB.dispose();
  });
});
