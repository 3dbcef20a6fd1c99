import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw';
import { deserializeAdamWState, serializeAdamWState } from './serialize';

function model() {
  const named: Array<[string, tf.Variable]> = [
    [
      'layer.weight',
      tf.variable(
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
      ),
    ],
    ['layer.bias', tf.variable(tf.tensor1d([0.5, -0.5]))],
  ];
  return named;
}

function train(opt: AdamW, named: Array<[string, tf.Variable]>, steps: number) {
  for (let i = 0; i < steps; i++) {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.square(tf.add(named[0]![1], tf.sum(named[1]![1])))) as tf.Scalar,
      named.map(([, v]) => v),
    );
    opt.applyGradients(grads);
    tf.dispose([value, grads]);
  }
}

describe.each(['cpu', 'wasm'] as const)('AdamW serialisation on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('round-trips through JSON and typed arrays into a fresh model and optimizer', async () => {
    const a = model();
    const optA = new AdamW({ lr: 0.01, weightDecay: 0.1 });
    train(optA, a, 3);
    const saved = await serializeAdamWState(optA, a);
    const meta = JSON.parse(JSON.stringify(saved.meta));
    expect(meta.slots.map((s: { key: string }) => s.key)).toEqual(['layer.weight', 'layer.bias']);
    expect(Object.keys(saved.tensors)).toContain('layer.bias.v');

    const b = model();
    for (const [i, [, v]] of b.entries()) v.assign(a[i]![1]);
    const optB = new AdamW({ lr: 1 });
    deserializeAdamWState(optB, { meta, tensors: saved.tensors }, b);
    expect(optB.options()).toEqual(optA.options());
    expect(optB.step).toBe(3);
    train(optA, a, 2);
    train(optB, b, 2);
    for (const [i, [, v]] of b.entries()) {
      expect(Array.from(v.dataSync())).toEqual(Array.from(a[i]![1].dataSync()));
    }
    tf.dispose([...a, ...b].map(([, v]) => v));
    optA.dispose();
    optB.dispose();
  });

  it('rejects a mismatched checkpoint without touching the optimizer', async () => {
    const a = model();
    const opt = new AdamW({ lr: 0.01 });
    train(opt, a, 1);
    const saved = await serializeAdamWState(opt, a);
    const renamed: Array<[string, tf.Variable]> = [['other', a[0]![1]]];
    expect(() => deserializeAdamWState(opt, saved, renamed)).toThrow(
      /no variable for saved key 'layer.weight'/,
    );
    const truncated = {
      ...saved,
      tensors: { ...saved.tensors, 'layer.bias.m': new Float32Array(1) },
    };
    expect(() => deserializeAdamWState(opt, truncated, a)).toThrow(
      /'layer.bias.m' is missing or has 1 values, expected 2/,
    );
    expect(() =>
      deserializeAdamWState(opt, { ...saved, meta: { ...saved.meta, version: 2 as 1 } }, a),
    ).toThrow(/version 1/);
    expect(opt.step).toBe(1);
    expect(opt.slots()).toHaveLength(2);
    tf.dispose(a.map(([, v]) => v));
    opt.dispose();
  });
});
