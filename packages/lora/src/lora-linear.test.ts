import { initBackend } from '@relora/backend';
import { maxAbs, maxAbsDiff } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { denseLinear } from './dense-linear';
import { LoRALinear, loraLinear } from './lora-linear';

const IN = 12;
const OUT = 7;

/** Gives B random values so the LoRA branch contributes. */
function randomiseB(layer: LoRALinear, seed = 7): void {
  tf.tidy(() => layer.loraB.assign(tf.randomNormal(layer.loraB.shape, 0, 0.5, 'float32', seed)));
}

describe.each(['cpu', 'wasm'] as const)('LoRALinear on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('computes exactly what the plain layer did when freshly wrapped', async () => {
    const base = denseLinear({ inFeatures: IN, outFeatures: OUT, seed: 1 });
    const x = tf.randomNormal([2, 3, IN], 0, 1, 'float32', 2);
    const before = base.apply(x);
    const lora = loraLinear(base, { rank: 4, seed: 3 });
    const after = lora.apply(x);
    expect(after.shape).toEqual([2, 3, OUT]);
    expect(maxAbsDiff(before, after)).toBe(0);
    expect(lora.kernel).toBe(base.kernel);
    expect(lora.kernel?.trainable).toBe(false);
    expect(lora.bias?.trainable).toBe(false);
    // A is Kaiming-uniform (bound 1/sqrt(in)), not zeroed as the reference's quirk; B is zero.
    const aMax = maxAbs(lora.loraA);
    expect(aMax).toBeGreaterThan(0.5 / Math.sqrt(IN));
    expect(aMax).toBeLessThanOrEqual(1 / Math.sqrt(IN));
    expect(maxAbs(lora.loraB)).toBe(0);
    expect(lora.loraA.shape).toEqual([IN, 4]);
    expect(lora.loraB.shape).toEqual([4, OUT]);
    expect(await lora.scaling()).toBe(32 / 4);
    tf.dispose([x, before, after]);
    lora.dispose();
  });

  it('gets a nonzero gradient for B at init (A is not zero)', () => {
    const lora = loraLinear(denseLinear({ inFeatures: IN, outFeatures: OUT, seed: 1 }), {
      rank: 4,
      seed: 3,
    });
    const x = tf.randomNormal([5, IN], 0, 1, 'float32', 2);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(lora.apply(x))) as tf.Scalar);
    expect(Object.keys(grads).sort()).toEqual([lora.loraA.name, lora.loraB.name].sort());
    expect(maxAbs(grads[lora.loraB.name] as tf.Tensor)).toBeGreaterThan(0);
    tf.dispose([x, value, ...Object.values(grads)]);
    lora.dispose();
  });

  it('keeps its function through mergeAndReinit (float32 rounding)', () => {
    const lora = loraLinear(denseLinear({ inFeatures: IN, outFeatures: OUT, seed: 4 }), {
      rank: 3,
      seed: 5,
    });
    randomiseB(lora);
    const x = tf.randomNormal([6, IN], 0, 1, 'float32', 6);
    const before = lora.apply(x);
    const aBefore = tf.clone(lora.loraA);
    const kernelBefore = tf.clone(lora.kernel as tf.Variable);
    const ids = lora.namedVariables().map(([, v]) => v.name);
    expect(lora.mergeAndReinit()).toBe(true);
    // Values are assigned in place: the variables (and optimizer state keyed by them) stay the same.
    expect(lora.namedVariables().map(([, v]) => v.name)).toEqual(ids);
    const after = lora.apply(x);
    expect(maxAbsDiff(before, after)).toBeLessThan(1e-5 * Math.max(1, maxAbs(before)));
    expect(maxAbsDiff(kernelBefore, lora.kernel as tf.Variable)).toBeGreaterThan(1e-3);
    expect(maxAbs(lora.loraB)).toBe(0);
    expect(maxAbsDiff(aBefore, lora.loraA)).toBeGreaterThan(0);
    expect(maxAbs(lora.loraA)).toBeLessThanOrEqual(1 / Math.sqrt(IN));
    expect(lora.restarts).toBe(1);
    tf.dispose([x, before, after, aBefore, kernelBefore]);
    lora.dispose();
  });

  it('uses s = tanh(c) with trainable scaling, c = 1 at init and again after a restart', async () => {
    const base = denseLinear({ inFeatures: IN, outFeatures: OUT, bias: false, seed: 8 });
    const x = tf.randomNormal([4, IN], 0, 1, 'float32', 9);
    const plain = base.apply(x);
    const lora = loraLinear(base, { rank: 2, trainableScaling: true, seed: 10 });
    expect(await lora.scaling()).toBeCloseTo(Math.tanh(1), 6);
    randomiseB(lora);
    const y = lora.apply(x);
    const expected = tf.tidy(() =>
      tf.add(plain, tf.mul(tf.matMul(tf.matMul(x, lora.loraA), lora.loraB), Math.tanh(1))),
    );
    expect(maxAbsDiff(y, expected)).toBeLessThan(1e-5);
    const { value, grads } = tf.variableGrads(() => tf.sum(lora.apply(x)) as tf.Scalar);
    expect(maxAbs(grads[(lora.scalingParam as tf.Variable).name] as tf.Tensor)).toBeGreaterThan(0);
    expect(lora.namedVariables().map(([s]) => s)).toEqual([
      'weight',
      'lora_A.weight',
      'lora_B.weight',
      'lora_scaling',
    ]);
    lora.mergeAndReinit();
    expect(await lora.scaling()).toBeCloseTo(Math.tanh(1), 6);
    // c back at 1 keeps the LoRA branch learning: B gets a gradient again.
    const after = tf.variableGrads(() => tf.sum(lora.apply(x)) as tf.Scalar);
    expect(maxAbs(after.grads[lora.loraB.name] as tf.Tensor)).toBeGreaterThan(0);
    tf.dispose([
      x,
      plain,
      y,
      expected,
      value,
      ...Object.values(grads),
      after.value,
      ...Object.values(after.grads),
    ]);
    lora.dispose();
  });

  it('reproduces the reference with scalingResetValue 0: every LoRA gradient is zero after a restart', async () => {
    const base = denseLinear({ inFeatures: IN, outFeatures: OUT, bias: false, seed: 8 });
    const x = tf.randomNormal([4, IN], 0, 1, 'float32', 9);
    const lora = loraLinear(base, {
      rank: 2,
      trainableScaling: true,
      scalingResetValue: 0,
      seed: 10,
    });
    randomiseB(lora);
    lora.mergeAndReinit();
    expect(await lora.scaling()).toBe(0);
    const after = tf.variableGrads(() => tf.sum(lora.apply(x)) as tf.Scalar);
    for (const g of Object.values(after.grads)) expect(maxAbs(g)).toBe(0);
    tf.dispose([x, after.value, ...Object.values(after.grads)]);
    lora.dispose();
  });

  it('has no frozen weight with loraOnly and skips merges', () => {
    const lora = new LoRALinear(
      { inFeatures: IN, outFeatures: OUT },
      { rank: 2, loraOnly: true, seed: 1 },
    );
    expect(lora.kernel).toBeUndefined();
    expect(lora.namedVariables().map(([s]) => s)).toEqual(['lora_A.weight', 'lora_B.weight']);
    const x = tf.randomNormal([3, IN], 0, 1, 'float32', 2);
    const y0 = lora.apply(x);
    expect(maxAbs(y0)).toBe(0);
    randomiseB(lora);
    const y1 = lora.apply(x);
    const expected = tf.tidy(() => tf.mul(tf.matMul(tf.matMul(x, lora.loraA), lora.loraB), 16));
    expect(maxAbsDiff(y1, expected)).toBeLessThan(1e-4);
    expect(lora.mergeAndReinit()).toBe(false);
    expect(lora.restarts).toBe(0);
    tf.dispose([x, y0, y1, expected]);
    lora.dispose();
  });

  it('applies dropout to the LoRA branch in training only', () => {
    const lora = loraLinear(denseLinear({ inFeatures: IN, outFeatures: OUT, seed: 1 }), {
      rank: 4,
      dropout: 0.5,
      seed: 2,
    });
    randomiseB(lora);
    const x = tf.randomNormal([8, IN], 0, 1, 'float32', 3);
    const eval1 = lora.apply(x);
    const eval2 = lora.apply(x, { training: false });
    const train = lora.apply(x, { training: true });
    const noDropout = tf.tidy(() =>
      tf.add(
        tf.add(tf.matMul(x, lora.kernel as tf.Variable), lora.bias as tf.Variable),
        tf.mul(tf.matMul(tf.matMul(x, lora.loraA), lora.loraB), 8),
      ),
    );
    expect(maxAbsDiff(eval1, eval2)).toBe(0);
    expect(maxAbsDiff(eval1, noDropout)).toBeLessThan(1e-4);
    expect(maxAbsDiff(train, eval1)).toBeGreaterThan(1e-2);
    tf.dispose([x, eval1, eval2, train, noDropout]);
    lora.dispose();
  });

  it('is reproducible from a seed, including re-inits', () => {
    const make = () =>
      loraLinear(denseLinear({ inFeatures: IN, outFeatures: OUT, seed: 1 }), { rank: 3, seed: 42 });
    const [a, b] = [make(), make()];
    expect(maxAbsDiff(a.loraA, b.loraA)).toBe(0);
    const first = tf.clone(a.loraA);
    a.mergeAndReinit();
    b.mergeAndReinit();
    expect(maxAbsDiff(a.loraA, b.loraA)).toBe(0);
    expect(maxAbsDiff(a.loraA, first)).toBeGreaterThan(0);
    first.dispose();
    a.dispose();
    b.dispose();
  });

  it('rejects bad options and inputs with clear errors', () => {
    const base = denseLinear({ inFeatures: IN, outFeatures: OUT, seed: 1 });
    expect(() => loraLinear(base, { rank: 0 })).toThrow(/rank must be a positive integer/);
    expect(() => loraLinear(base, { dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
    expect(() => loraLinear({ inFeatures: IN, outFeatures: OUT })).toThrow(/no kernel/);
    const lora = loraLinear(base, { rank: 2 });
    const x = tf.zeros([2, IN + 1]);
    expect(() => lora.apply(x)).toThrow(/expected input \[\.\.\., 12\], got \[2, 13\]/);
    x.dispose();
    lora.dispose();
  });

  it('leaks no tensors across forward, backward and merge', () => {
    const lora = loraLinear(denseLinear({ inFeatures: IN, outFeatures: OUT, seed: 1 }), {
      rank: 3,
      trainableScaling: true,
      trackDelta: true,
      seed: 2,
    });
    const x = tf.randomNormal([2, 5, IN], 0, 1, 'float32', 3);
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(lora.apply(x, { training: true }))) as tf.Scalar,
      );
      tf.tidy(() => {
        for (const v of lora.loraVariables())
          v.assign(tf.sub(v, tf.mul(grads[v.name] as tf.Tensor, 0.01)));
      });
      tf.dispose([value, ...Object.values(grads)]);
      lora.mergeAndReinit();
    };
    step(); // allocates the tracked delta once
    const start = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    const delta = lora.updateDelta();
    delta.dispose();
    expect(tf.memory().numTensors).toBe(start);
    x.dispose();
    lora.dispose();
  });
});

describe('LoRALinear random state', () => {
  it('restores the counters so the next re-init and dropout mask repeat', async () => {
    await initBackend({ prefer: 'cpu' });
    const make = () =>
      loraLinear(denseLinear({ inFeatures: 6, outFeatures: 5, seed: 1 }), {
        rank: 2,
        dropout: 0.5,
        seed: 7,
      });
    const x = tf.ones([3, 6]);
    const a = make();
    tf.dispose(a.apply(x, { training: true }));
    a.mergeAndReinit();
    const saved = a.rngState();
    expect(saved).toEqual({ merges: 1, dropoutCalls: 1 });
    const b = make();
    b.restoreRngState(saved);
    const ya = a.apply(x, { training: true });
    const yb = b.apply(x, { training: true });
    a.mergeAndReinit();
    b.mergeAndReinit();
    expect(Array.from(a.loraA.dataSync())).toEqual(Array.from(b.loraA.dataSync()));
    expect(() => b.restoreRngState({ merges: -1 })).toThrow(
      /merges must be a non-negative integer/,
    );
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });
});
