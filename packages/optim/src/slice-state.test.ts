import { initBackend } from '@relora/backend';
import { maxRelativeError, randomTensor } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw';
import { correctSliceSteps, zeroMomentSlices } from './slice-state';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

/** StepAdamW (SwitchLoRA's optimizer.py) in float64: one step counter per column. */
function referenceColumnStepAdamW(
  p: Float64Array,
  grads: Float64Array[],
  cols: number,
  resets: Map<number, number[]>,
  { lr, beta1, beta2, eps }: { lr: number; beta1: number; beta2: number; eps: number },
): Float64Array {
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  const steps = new Array<number>(cols).fill(0);
  grads.forEach((g, k) => {
    for (const c of resets.get(k) ?? []) {
      steps[c] = 0;
      for (let i = c; i < p.length; i += cols) m[i] = v[i] = 0;
    }
    for (let c = 0; c < cols; c++) steps[c]! += 1;
    for (let i = 0; i < p.length; i++) {
      const t = steps[i % cols]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * g[i]!;
      v[i] = beta2 * v[i]! + (1 - beta2) * g[i]! ** 2;
      p[i]! -=
        ((lr / (1 - beta1 ** t)) * m[i]!) / (Math.sqrt(v[i]!) / Math.sqrt(1 - beta2 ** t) + eps);
    }
  });
  return p;
}

describe('zeroMomentSlices', () => {
  it('zeroes the chosen rows or columns of m and v and leaves every other entry as it was', async () => {
    const w = tf.variable(randomTensor([3, 4], 1));
    const opt = new AdamW({ lr: 0.1 });
    expect(zeroMomentSlices(opt, w, { axis: 1, indices: [0] })).toBe(false); // no state yet
    const g = randomTensor([3, 4], 2);
    opt.applyGradients(new Map([[w, g]]));
    const before = await opt.slot(w)!.m.data();
    expect(zeroMomentSlices(opt, w, { axis: 1, indices: [1, 3] })).toBe(true);
    const m = await opt.slot(w)!.m.data();
    const v = await opt.slot(w)!.v.data();
    for (let i = 0; i < 12; i++) {
      const zeroed = i % 4 === 1 || i % 4 === 3;
      expect(m[i]).toBe(zeroed ? 0 : before[i]);
      expect(v[i] === 0).toBe(zeroed);
    }
    zeroMomentSlices(opt, w, { axis: 0, indices: [2] });
    expect(Array.from((await opt.slot(w)!.m.data()).slice(8))).toEqual([0, 0, 0, 0]);
    expect(() => zeroMomentSlices(opt, w, { axis: 0, indices: [3] })).toThrow(/outside \[0, 3\)/);
    tf.dispose([w, g]);
    opt.dispose();
  });
});

describe('correctSliceSteps', () => {
  it('equals a float64 AdamW with one step counter per column, columns reset mid-run', async () => {
    const [rows, cols, steps] = [5, 4, 6];
    const hyper = { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    const init = randomTensor([rows, cols], 3);
    const grads = Array.from({ length: steps }, (_, k) => randomTensor([rows, cols], 10 + k));
    const resets = new Map([
      [2, [1]],
      [4, [1, 3]],
    ]);
    const w = tf.variable(init);
    const opt = new AdamW({ lr: hyper.lr });
    const base = new Array<number>(cols).fill(0);
    for (let k = 0; k < steps; k++) {
      for (const c of resets.get(k) ?? []) base[c] = opt.slot(w)?.step ?? 0;
      zeroMomentSlices(opt, w, { axis: 1, indices: resets.get(k) ?? [] });
      opt.applyGradients(new Map([[w, grads[k]!]]));
      const t = opt.slot(w)!.step;
      correctSliceSteps(opt, w, { axis: 1, steps: base.map((b) => t - b), lr: hyper.lr });
    }
    const expected = referenceColumnStepAdamW(
      Float64Array.from(await init.data()),
      await Promise.all(grads.map(async (g) => Float64Array.from(await g.data()))),
      cols,
      resets,
      hyper,
    );
    expect(maxRelativeError(await w.data(), expected, 1e-3)).toBeLessThan(1e-5);
    tf.dispose([w, init, ...grads]);
    opt.dispose();
  });

  it('leaves a variable bit for bit as plain AdamW left it when every slice has its step', async () => {
    const w = tf.variable(randomTensor([2, 3], 4));
    const g = randomTensor([2, 3], 5);
    const opt = new AdamW({ lr: 0.1 });
    opt.applyGradients(new Map([[w, g]]));
    const before = await w.data();
    const tensorsBefore = tf.memory().numTensors;
    correctSliceSteps(opt, w, { axis: 0, steps: [1, 1], lr: 0.1 });
    expect(await w.data()).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(() => correctSliceSteps(opt, w, { axis: 0, steps: [1], lr: 0.1 })).toThrow(/2 entries/);
    expect(() => correctSliceSteps(opt, w, { axis: 0, steps: [0, 1], lr: 0.1 })).toThrow(
      /steps\[0\] must be an integer in \[1, 1\]/,
    );
    tf.dispose([w, g]);
    opt.dispose();
  });
});
