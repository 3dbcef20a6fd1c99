// The fused AdamW kernel equals AdamW written as tfjs ops, leaks nothing and never writes its inputs.
import { ADAMW_UPDATE_KERNEL, type AdamWUpdateAttrs } from '@relora/core';
import { maxRelativeError, randomTensor } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';
import { adamwSimdOf } from './wasm/adamw-simd';

// @relora/optim's ops path (packages/optim/src/adamw.ts), op for op: the reference.
function opsUpdate(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, a: AdamWUpdateAttrs) {
  return tf.tidy(() => {
    const correction1 = 1 - a.beta1 ** a.step;
    const correction2Sqrt = Math.sqrt(1 - a.beta2 ** a.step);
    const mNext = tf.add(m, tf.mul(tf.sub(g, m), 1 - a.beta1));
    const vNext = tf.add(tf.mul(v, a.beta2), tf.mul(tf.mul(g, g), 1 - a.beta2));
    const decayed = a.weightDecay > 0 ? tf.mul(p, 1 - a.lr * a.weightDecay) : p;
    const denom = tf.add(tf.div(tf.sqrt(vNext), correction2Sqrt), a.epsilon);
    const next = tf.sub(decayed, tf.mul(tf.div(mNext, denom), a.lr / correction1));
    return [next, mNext, vNext];
  });
}

const fused = (p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, a: AdamWUpdateAttrs) =>
  tf.engine().runKernel(ADAMW_UPDATE_KERNEL, { param: p, grad: g, m, v }, { ...a }) as tf.Tensor[];

describe.each(['cpu', 'wasm'] as const)('%s: fused AdamW update kernel', (backend) => {
  beforeAll(async () => {
    const info = await initBackend({ prefer: backend });
    expect(info.kernels).toContain(ADAMW_UPDATE_KERNEL);
    // on wasm the cases below run the SIMD loop (and its JS tail), not only the JS fallback
    if (backend === 'wasm')
      expect(adamwSimdOf((tf.backend() as { wasm?: unknown }).wasm)).not.toBeNull();
  });

  it.each([
    ['scalar', [], 0.1, 1],
    ['odd 1D', [7], 0, 1],
    ['2D', [13, 5], 0.01, 1],
    ['larger', [257, 9], 0.01, 1],
    ['tiny gradients (sqrt(v) near eps)', [9], 0, 1e-8],
    ['empty', [0, 3], 0.1, 1],
  ] as const)('equals the ops path over 6 steps: %s %j, weight decay %s', (_n, shape, wd, scale) => {
    const seed = shape.length * 31 + wd * 1000;
    let state = [randomTensor([...shape], seed), tf.zeros([...shape]), tf.zeros([...shape])];
    let reference = state.map((t) => tf.clone(t));
    for (let step = 1; step <= 6; step++) {
      const g = randomTensor([...shape], seed + 1 + step, scale);
      const attrs = { lr: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: wd, step };
      const ours = fused(state[0]!, g, state[1]!, state[2]!, attrs);
      const theirs = opsUpdate(reference[0]!, g, reference[1]!, reference[2]!, attrs);
      // bit for bit today on both backends; the bound leaves room for another build of XNNPACK
      for (let k = 0; k < 3; k++) expect(maxRelativeError(ours[k]!, theirs[k]!)).toBeLessThan(1e-6);
      tf.dispose([g, ...state, ...reference]);
      state = ours;
      reference = theirs;
    }
    tf.dispose([...state, ...reference]);
  });

  it('returns new tensors, leaves its inputs and what shares their data as they were, leaks nothing', () => {
    const p: tf.Variable = tf.variable(tf.tensor([1, -2, 3]));
    const copy = tf.clone(p); // shares p's data on cpu, and with @relora/backend's Identity on wasm
    const g = tf.tensor1d([0.5, -1, 2]);
    const m = tf.tensor1d([0.1, 0.2, 0.3]);
    const v = tf.tensor1d([0.01, 0.02, 0.03]);
    const before = tf.memory().numTensors;
    const attrs = { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1, step: 2 };
    const outs = fused(p, g, m, v, attrs);
    expect(tf.memory().numTensors).toBe(before + 3);
    const ids = new Set([p, g, m, v, ...outs].map((t) => t.dataId));
    expect(ids.size).toBe(7);
    p.assign(outs[0]!);
    tf.dispose(outs);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(copy.dataSync())).toEqual([1, -2, 3]);
    expect(Array.from(g.dataSync())).toEqual([0.5, -1, 2]);
    expect(Array.from(m.dataSync())).toEqual(Array.from(Float32Array.from([0.1, 0.2, 0.3])));
    expect(Array.from(v.dataSync())).toEqual(Array.from(Float32Array.from([0.01, 0.02, 0.03])));
    expect(p.dataSync()[0]).not.toBe(1);
    tf.dispose([p, copy, g, m, v]);
  });

  it('rejects non-float32 inputs, mismatched shapes and bad attributes clearly', () => {
    const f = tf.zeros([2]);
    const i = tf.zeros([2], 'int32');
    const wrong = tf.zeros([3]);
    const attrs = { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, step: 1 };
    expect(() => fused(f, i, f, f, attrs)).toThrow(/'grad' must be float32, got int32/);
    expect(() => fused(f, f, wrong, f, attrs)).toThrow(/'m' has shape \[3\], 'param' \[2\]/);
    expect(() => fused(f, f, f, f, { ...attrs, step: 0 })).toThrow(
      /'step' must be an integer >= 1/,
    );
    tf.dispose([f, i, wrong]);
  });
});
