import { initBackend } from '@relora/backend';
import { maxAbsDiff } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyLoRA } from './apply-lora';
import { LoRALinear } from './lora-linear';
import { TinyHost } from './tiny-host.test-support';

// A one-block "LLaMA-like" host: names as Hugging Face's, plus a head the default targets skip.
const LAYERS: Array<[string, number, number]> = [
  ['model.layers.0.self_attn.q_proj', 8, 8],
  ['model.layers.0.self_attn.v_proj', 8, 8],
  ['model.layers.0.mlp.up_proj', 8, 16],
  ['model.layers.0.mlp.down_proj', 16, 8],
  ['lm_head', 8, 10],
];

describe.each(['cpu', 'wasm'] as const)('applyLoRA on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('wraps the default targets, freezes their kernels and keeps the function', () => {
    const host = new TinyHost(LAYERS);
    const x = tf.randomNormal([3, 8], 0, 1, 'float32', 1);
    const before = host.forward(x);
    const lora = applyLoRA(host, { rank: 2, seed: 1 });
    expect([...lora.layers.keys()]).toEqual(LAYERS.slice(0, 4).map(([n]) => n));
    for (const [name, layer] of lora.layers) {
      expect(host.layer(name)).toBe(layer);
      expect(layer.kernel?.trainable).toBe(false);
    }
    expect(host.layer('lm_head')).not.toBeInstanceOf(LoRALinear);
    const after = host.forward(x);
    expect(maxAbsDiff(before, after)).toBe(0);
    tf.dispose([x, before, after]);
    host.dispose();
  });

  it('matches targets by substring or RegExp, and rejects no match or a second wrap', () => {
    const host = new TinyHost(LAYERS);
    expect(() => applyLoRA(host, { targets: ['gate_proj'] })).toThrow(
      /no linear layer matches targets \[gate_proj\]/,
    );
    expect(() => applyLoRA(host, { targets: [] })).toThrow(/targets is empty/);
    const lora = applyLoRA(host, { targets: ['v_proj', /^lm_/], rank: 2 });
    expect([...lora.layers.keys()]).toEqual(['model.layers.0.self_attn.v_proj', 'lm_head']);
    expect(() => applyLoRA(host, { targets: ['v_proj'] })).toThrow(/already a LoRA layer/);
    host.dispose();
  });

  it('lists and counts LoRA and trainable parameters', () => {
    const host = new TinyHost(LAYERS);
    const r = 2;
    const lora = applyLoRA(host, { rank: r, trainableScaling: true });
    expect(
      lora
        .loraParameters()
        .map(([n]) => n)
        .slice(0, 3),
    ).toEqual([
      'model.layers.0.self_attn.q_proj.lora_A.weight',
      'model.layers.0.self_attn.q_proj.lora_B.weight',
      'model.layers.0.self_attn.q_proj.lora_scaling',
    ]);
    const wrapped = LAYERS.slice(0, 4);
    const loraCount = wrapped.reduce((s, [, i, o]) => s + r * (i + o) + 1, 0);
    const frozen = wrapped.reduce((s, [, i, o]) => s + i * o + o, 0);
    const head = 8 * 10 + 10;
    expect(lora.parameterCounts()).toEqual({
      lora: loraCount,
      trainable: loraCount + head,
      frozen,
      total: loraCount + head + frozen,
    });
    const trainableNames = lora.trainableParameters().map(([n]) => n);
    expect(trainableNames).toContain('lm_head.weight');
    expect(trainableNames).toContain('lm_head.bias');
    expect(trainableNames).not.toContain('model.layers.0.mlp.up_proj.weight');
    // tf.variableGrads' default list (all trainable variables) is exactly the trainable parameters.
    const x = tf.ones([1, 8]);
    const { value, grads } = tf.variableGrads(() => tf.sum(host.forward(x)) as tf.Scalar);
    const byName = new Map(lora.trainableParameters().map(([n, v]) => [v.name, n]));
    expect(Object.keys(grads).every((id) => byName.has(id))).toBe(true);
    expect(Object.keys(grads).length).toBe(byName.size);
    tf.dispose([x, value, ...Object.values(grads)]);
    host.dispose();
  });

  it('merges every layer and exports the total update as a delta', () => {
    const host = new TinyHost(LAYERS);
    const lora = applyLoRA(host, { rank: 2, trackDelta: true, seed: 3 });
    const name = 'model.layers.0.mlp.up_proj';
    const layer = lora.layers.get(name) as LoRALinear;
    const w0 = tf.clone(layer.kernel as tf.Variable);
    const x = tf.randomNormal([4, 8], 0, 1, 'float32', 2);
    const before = host.forward(x);
    for (let restart = 0; restart < 2; restart++) {
      for (const l of lora.layers.values()) {
        tf.tidy(() => l.loraB.assign(tf.randomNormal(l.loraB.shape, 0, 0.1, 'float32', restart)));
      }
      expect(lora.mergeAndReinit()).toBe(4);
    }
    tf.tidy(() => layer.loraB.assign(tf.randomNormal(layer.loraB.shape, 0, 0.1, 'float32', 9)));
    const deltas = lora.updateDelta();
    const merged = lora.updateDelta({ includePending: false });
    const actual = tf.sub(layer.kernel as tf.Variable, w0);
    expect(maxAbsDiff(merged.get(name) as tf.Tensor, actual)).toBeLessThan(1e-5);
    const pending = layer.pendingUpdate();
    const withPending = tf.add(actual, pending);
    expect(maxAbsDiff(deltas.get(name) as tf.Tensor, withPending)).toBeLessThan(1e-5);
    expect(deltas.size).toBe(4);
    tf.dispose([
      w0,
      x,
      before,
      actual,
      pending,
      withPending,
      ...deltas.values(),
      ...merged.values(),
    ]);
    host.dispose();
  });

  it('refuses a delta after restarts when merges were not tracked', () => {
    const host = new TinyHost(LAYERS);
    const lora = applyLoRA(host, { rank: 2 });
    lora.mergeAndReinit();
    expect(() => lora.updateDelta()).toThrow(/trackDelta: true/);
    host.dispose();
  });

  it('disposes the unused original layers with loraOnly', () => {
    const start = tf.memory().numTensors;
    const host = new TinyHost(LAYERS);
    const lora = applyLoRA(host, { rank: 2, loraOnly: true, targets: ['q_proj'] });
    const q = lora.layers.get('model.layers.0.self_attn.q_proj') as LoRALinear;
    expect(q.kernel).toBeUndefined();
    // q_proj's weight and bias are gone, its A and B added.
    expect(tf.memory().numTensors).toBe(start + LAYERS.length * 2 - 2 + 2);
    expect(lora.mergeAndReinit()).toBe(0);
    host.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('leaks no tensors across a training step with merge', () => {
    const host = new TinyHost(LAYERS);
    const lora = applyLoRA(host, { rank: 2, dropout: 0.1, seed: 5, trackDelta: true });
    const x = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 1);
    const params = lora.trainableParameters().map(([, v]) => v);
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(host.forward(x, { training: true }))) as tf.Scalar,
        params,
      );
      tf.tidy(() => {
        for (const v of params) v.assign(tf.sub(v, tf.mul(grads[v.name] as tf.Tensor, 1e-3)));
      });
      tf.dispose([value, ...Object.values(grads)]);
      lora.mergeAndReinit();
    };
    step();
    const start = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(start);
    x.dispose();
    host.dispose();
  });
});
