// The CoLA model: llama's decoder with CoLA projections; CoLA-M's gradients; training; counts.
import { initBackend } from '@relora/backend';
import { countParameters } from '@relora/llama';
import { AdamW } from '@relora/optim';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { colaParameterCounts } from './analytical';
import { ColaLinear } from './cola-linear';
import { createColaLlama } from './cola-model';
import { randomIds, SMALL_CONFIG } from './small-config.test-support';

describe.each(['cpu', 'wasm'] as const)('CoLA model on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('replaces the seven projections of every block and keeps the LM head dense', () => {
    const model = createColaLlama(SMALL_CONFIG, { rank: 8 }, { seed: 1 });
    const names = model.namedParameters().map(([name, v]) => `${name} [${v.shape.join(', ')}]`);
    expect(names.slice(0, 4)).toEqual([
      'model.embed_tokens.weight [30, 32]',
      'model.layers.0.self_attn.q_proj.cola_a [32, 8]',
      'model.layers.0.self_attn.q_proj.cola_b [8, 32]',
      'model.layers.0.self_attn.k_proj.cola_a [32, 8]',
    ]);
    expect(names).toContain('model.layers.1.mlp.down_proj.cola_a [48, 8]');
    expect(names.at(-1)).toBe('lm_head.weight [32, 30]');
    expect(model.getLinear('model.layers.1.mlp.up_proj')).toBeInstanceOf(ColaLinear);
    expect(model.getLinear('lm_head')).not.toBeInstanceOf(ColaLinear);
    const counts = countParameters(model);
    const analytical = colaParameterCounts(SMALL_CONFIG, 8);
    expect(counts.total).toBe(analytical.total);
    expect(counts.trainable).toBe(analytical.total);
    expect(model.cola).toEqual({ rank: 8, onlyLrAct: false, recompute: false });
    model.dispose();
  });

  it('decodes with the key/value cache as the full forward predicts (greedy)', async () => {
    const model = createColaLlama(SMALL_CONFIG, { rank: 8, onlyLrAct: true }, { seed: 12 });
    const prompt = [3, 1, 4];
    const out = await model.generate(prompt, { maxNewTokens: 3, temperature: 0 });
    const ids = tf.tensor2d([out.slice(0, -1)], undefined, 'int32');
    const logits = model.forward(ids);
    const argmax = tf.argMax(logits, -1);
    const predicted = Array.from(await argmax.data()).slice(prompt.length - 1);
    expect(out.slice(prompt.length)).toEqual(predicted);
    tf.dispose([ids, logits, argmax]);
    model.dispose();
  });

  it.each([
    false,
    true,
  ])('CoLA-M gives CoLA loss and gradients bit for bit (only_lr_act %s)', async (onlyLrAct) => {
    const plain = createColaLlama(SMALL_CONFIG, { rank: 8, onlyLrAct }, { seed: 2 });
    const recomputed = createColaLlama(
      SMALL_CONFIG,
      { rank: 8, onlyLrAct, recompute: true },
      { seed: 2 },
    );
    const ids = randomIds(2, 12, 3);
    const targets = randomIds(2, 12, 4);
    const gradients = (model: typeof plain) => {
      const { value, grads } = tf.variableGrads(
        () => model.loss(ids, targets),
        model.trainableVariables(),
      );
      return [value, ...model.trainableVariables().map((v) => grads[v.name]!)];
    };
    const a = gradients(plain);
    const b = gradients(recomputed);
    expect(b).toHaveLength(a.length);
    for (let i = 0; i < a.length; i++) expect(await b[i]!.data()).toEqual(await a[i]!.data());
    tf.dispose([...a, ...b, ids, targets]);
    plain.dispose();
    recomputed.dispose();
  });

  it.each([
    false,
    true,
  ])('trains from scratch with AdamW, loss falls, no tensor leaks (recompute %s)', async (recompute) => {
    const model = createColaLlama(SMALL_CONFIG, { rank: 8, recompute }, { seed: 5 });
    const optimizer = new AdamW({ lr: 1e-2, weightDecay: 0.01 });
    const ids = randomIds(2, 12, 6);
    const targets = randomIds(2, 12, 7);
    const step = async () => {
      const { value, grads } = tf.variableGrads(
        () => model.loss(ids, targets),
        model.trainableVariables(),
      );
      optimizer.applyGradients(grads);
      tf.dispose(grads);
      const loss = (await value.data())[0] as number;
      value.dispose();
      return loss;
    };
    const first = await step();
    await step(); // the optimizer's moments now exist
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 14; i++) last = await step();
    expect(tf.memory().numTensors).toBe(before);
    expect(first).toBeGreaterThan(3);
    expect(last).toBeLessThan(first / 2);
    optimizer.dispose();
    tf.dispose([ids, targets]);
    model.dispose();
  });
});
