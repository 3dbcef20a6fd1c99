import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw';
import { hasFusedAdamW } from './adamw-fused';
import { withOpsPath } from './adamw-fused.test-support';

// Two steps of torch.optim.AdamW (lr 0.1, betas (0.9, 0.999), eps 1e-8, weight decay 0.1) on
// p0 = [1, -2] with gradients [0.5, -1] then [1, 0.5], evaluated by hand in float64 (Python).
const AFTER_ONE = [0.890000002, -1.880000001];
const AFTER_TWO = [0.7845818006185094, -1.8345662973609032];
const M_TWO = [0.145, -0.04];
const V_TWO = [0.00124975, 0.001249];

function close(tensor: tf.Tensor, expected: number[], digits = 6) {
  const actual = Array.from(tensor.dataSync());
  expect(actual).toHaveLength(expected.length);
  for (const [i, a] of actual.entries()) expect(a).toBeCloseTo(expected[i]!, digits);
}

describe.each(['cpu', 'wasm'] as const)('AdamW on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
    // Every test here runs @relora/backend's fused kernel; the first also runs the ops path.
    expect(hasFusedAdamW()).toBe(true);
  });

  it.each([
    ['fused kernel', <T>(f: () => T) => f()],
    ['ops', withOpsPath],
  ])('matches hand-computed AdamW steps with weight decay (%s path)', (_path, run) => {
    const p = tf.variable(tf.tensor1d([1, -2]));
    const opt = new AdamW({ lr: 0.1, weightDecay: 0.1 });
    const g1 = tf.tensor1d([0.5, -1]);
    const g2 = tf.tensor1d([1, 0.5]);
    run(() => opt.applyGradients(new Map([[p, g1]])));
    close(p, AFTER_ONE);
    run(() => opt.applyGradients(new Map([[p, g2]])));
    close(p, AFTER_TWO);
    close(opt.slot(p)!.m, M_TWO, 7);
    close(opt.slot(p)!.v, V_TWO, 8);
    expect(opt.step).toBe(2);
    expect(opt.slot(p)!.step).toBe(2);
    tf.dispose([p, g1, g2]);
    opt.dispose();
  });

  it('takes tf.variableGrads output, trains, and leaks no tensors', () => {
    const w = tf.variable(
      tf.tensor2d([
        [2, -1],
        [0.5, 3],
      ]),
    );
    const target = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const loss = () => tf.mean(tf.square(tf.sub(w, target))) as tf.Scalar;
    const opt = new AdamW({ lr: 0.05 });
    const step = () => {
      const { value, grads } = tf.variableGrads(loss, [w]);
      opt.applyGradients(grads);
      const l = value.dataSync()[0]!;
      tf.dispose([value, grads]);
      return l;
    };
    const first = step();
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 50; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first / 4);
    tf.dispose([w, target]);
    opt.dispose();
  });

  it('keeps a step per variable and leaves absent variables alone', () => {
    const a = tf.variable(tf.scalar(1));
    const b = tf.variable(tf.scalar(1));
    const g = tf.scalar(1);
    const opt = new AdamW({ lr: 0.1 });
    opt.applyGradients(new Map([[a, g]]));
    opt.applyGradients(
      new Map([
        [a, g],
        [b, g],
      ]),
      { lr: 0.01 },
    );
    expect(opt.slot(a)!.step).toBe(2);
    expect(opt.slot(b)!.step).toBe(1);
    // b's first, bias-corrected step moves it by lr: 1 - 0.01
    expect(b.dataSync()[0]).toBeCloseTo(0.99, 6);
    tf.dispose([a, b, g]);
    opt.dispose();
  });

  it('reads and writes its state', () => {
    const p = tf.variable(tf.tensor1d([1, -2]));
    const g = tf.tensor1d([0.5, -1]);
    const opt = new AdamW({ lr: 0.1 });
    opt.applyGradients(new Map([[p, g]]));
    const state = opt.getState();
    expect(state.step).toBe(1);
    close(state.slots[p.name]!.m, [0.05, -0.1], 7);
    const other = new AdamW({ lr: 0.1 });
    other.setState(state);
    tf.dispose(Object.values(state.slots).flatMap((s) => [s.m, s.v]));
    close(other.slot(p)!.v, [0.00025, 0.001], 8);
    expect(other.slot(p)!.step).toBe(1);
    const bad = { step: 1, slots: { [p.name]: { m: tf.zeros([3]), v: tf.zeros([2]), step: 1 } } };
    expect(() => other.setState(bad)).toThrow(/m of '.*' has shape \[3\], expected \[2\]/);
    expect(other.slot(p)).toBeDefined(); // a rejected state changes nothing
    expect(() => other.setState({ step: 0, slots: { nope: bad.slots[p.name]! } })).toThrow(
      /no live tf.Variable named 'nope'/,
    );
    tf.dispose([p, g, bad.slots[p.name]!.m, bad.slots[p.name]!.v]);
    opt.dispose();
    other.dispose();
  });

  it('rejects bad options and gradients', () => {
    expect(() => new AdamW({ lr: -1 })).toThrow(/lr must be a finite number >= 0/);
    expect(() => new AdamW({ lr: 1, beta1: 1 })).toThrow(/beta1 must be in \[0, 1\)/);
    const p = tf.variable(tf.zeros([2]));
    const g = tf.zeros([3]);
    const opt = new AdamW({ lr: 0.1 });
    expect(() => opt.applyGradients(new Map([[p, g]]))).toThrow(
      /gradient shape \[3\] does not match/,
    );
    expect(() => opt.applyGradients({ missing: g })).toThrow(
      /'missing' matches no live tf.Variable/,
    );
    expect(opt.step).toBe(0);
    tf.dispose([p, g]);
  });
});
