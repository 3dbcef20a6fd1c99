// Tests of the model's API around the math: names, counting, slot swapping, generation, input checks, disposal.
import { initBackend } from '@relora/backend';
import type { Linear } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelLinear } from './kernel-linear';
import { createLlama } from './llama-model';
import { countParameters } from './parameter-count';
import { SMALL_CONFIG, SMALL_VOCAB } from './small-config.test-support';

const V = SMALL_VOCAB;
const config = SMALL_CONFIG;

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

describe('LlamaModel API', () => {
  it('names parameters as HF LlamaForCausalLM, in its order, with [in, out] linears', () => {
    const model = createLlama(config, { seed: 1 });
    const named = model.namedParameters();
    expect(named.slice(0, 10).map(([n, v]) => [n, v.shape])).toEqual([
      ['model.embed_tokens.weight', [V, 32]],
      ['model.layers.0.self_attn.q_proj.weight', [32, 32]],
      ['model.layers.0.self_attn.k_proj.weight', [32, 32]],
      ['model.layers.0.self_attn.v_proj.weight', [32, 32]],
      ['model.layers.0.self_attn.o_proj.weight', [32, 32]],
      ['model.layers.0.mlp.gate_proj.weight', [32, 48]],
      ['model.layers.0.mlp.up_proj.weight', [32, 48]],
      ['model.layers.0.mlp.down_proj.weight', [48, 32]],
      ['model.layers.0.input_layernorm.weight', [32]],
      ['model.layers.0.post_attention_layernorm.weight', [32]],
    ]);
    expect(named.slice(-2).map(([n]) => n)).toEqual(['model.norm.weight', 'lm_head.weight']);
    expect(model.namedLinears().map(([n]) => n)).toContain('model.layers.1.mlp.down_proj');
    expect(model.trainableVariables()).toHaveLength(named.length);
    model.dispose();
  });

  it('initialises reproducibly from the seed, normal(0, initializerRange), norms at 1', () => {
    const a = createLlama(config, { seed: 7 });
    const b = createLlama(config, { seed: 7 });
    const c = createLlama(config, { seed: 8 });
    const weight = (m: typeof a) => m.namedParameters()[5]?.[1].dataSync() as Float32Array;
    expect(weight(a)).toEqual(weight(b));
    expect(weight(a)).not.toEqual(weight(c));
    const { mean, variance } = tf.moments(a.namedParameters()[0]?.[1] as tf.Variable);
    expect(mean.dataSync()[0]).toBeCloseTo(0, 2);
    expect(Math.sqrt(variance.dataSync()[0] as number)).toBeCloseTo(0.02, 2);
    expect(Array.from(a.namedParameters()[8]?.[1].dataSync() ?? [])).toEqual(new Array(32).fill(1));
    tf.dispose([mean, variance]);
    for (const m of [a, b, c]) m.dispose();
  });

  it('counts parameters by group, the tied head once', () => {
    const untiedModel = createLlama(config, { seed: 1 });
    const untied = countParameters(untiedModel);
    untiedModel.dispose();
    const attention = 2 * 4 * 32 * 32;
    const mlp = 2 * 3 * 32 * 48;
    expect(untied.byGroup).toMatchObject({
      embeddings: { total: V * 32 },
      attention: { total: attention },
      mlp: { total: mlp },
      norms: { total: 5 * 32 },
      head: { total: V * 32 },
    });
    expect(untied.total).toBe(2 * V * 32 + attention + mlp + 5 * 32);
    expect(untied.trainable).toBe(untied.total);
    const tiedModel = createLlama({ ...config, tieWordEmbeddings: true }, { seed: 1 });
    expect(countParameters(tiedModel).total).toBe(untied.total - V * 32);
    const [, embedding] = tiedModel.namedParameters()[0] as [string, tf.Variable];
    embedding.trainable = false;
    expect(countParameters(tiedModel).trainable).toBe(untied.total - 2 * V * 32);
    tiedModel.dispose();
  });

  it('computes each projection through its slot, so a swapped layer takes effect', () => {
    const model = createLlama(config, { seed: 2 });
    const ids = tf.tensor2d([[1, 2, 3]], undefined, 'int32');
    const before = model.forward(ids);
    const name = 'model.layers.0.mlp.down_proj';
    const original = model.getLinear(name);
    let calls = 0;
    const doubled: Linear = {
      inFeatures: original.inFeatures,
      outFeatures: original.outFeatures,
      apply: (x) => {
        calls++;
        return tf.tidy(() => tf.mul(original.apply(x), 2));
      },
      namedVariables: () => original.namedVariables(),
      dispose: () => original.dispose(),
    };
    model.setLinear(name, doubled);
    const after = model.forward(ids);
    expect(calls).toBe(1);
    expect(tf.max(tf.abs(tf.sub(after, before))).dataSync()[0]).toBeGreaterThan(1e-5);
    model.setLinear(name, original);
    const restored = model.forward(ids);
    expect(restored.dataSync()).toEqual(before.dataSync());
    const wrong = kernelLinear(tf.variable(tf.zeros([48, 31])));
    expect(() => model.setLinear(name, wrong)).toThrow(
      /maps 48 -> 32 features, the new layer 48 -> 31/,
    );
    expect(() => model.setLinear('model.layers.9.mlp.up_proj', original)).toThrow(
      /no linear 'model.layers.9.mlp.up_proj'/,
    );
    wrong.dispose();
    tf.dispose([ids, before, after, restored]);
    model.dispose();
  });

  it('generates reproducibly from a seed, greedily at temperature 0, and stops at eos', async () => {
    const model = createLlama(config, { seed: 3 });
    const a = await model.generate([1, 2], { maxNewTokens: 15, seed: 5, topK: 5 });
    const b = await model.generate([1, 2], { maxNewTokens: 15, seed: 5, topK: 5 });
    expect(a).toEqual(b);
    expect(a).toHaveLength(17);
    expect(a.slice(0, 2)).toEqual([1, 2]);
    expect(a.every((t) => Number.isInteger(t) && t >= 0 && t < V)).toBe(true);
    const greedy = await model.generate([4], { maxNewTokens: 3, temperature: 0 });
    const logits = tf.tidy(() => model.forward(tf.tensor2d([[4]], undefined, 'int32')).dataSync());
    expect(greedy[1]).toBe(logits.indexOf(Math.max(...logits)));
    const stopped = await model.generate([4], {
      maxNewTokens: 10,
      temperature: 0,
      eosId: greedy[1] as number,
    });
    expect(stopped).toEqual([4, greedy[1]]);
    await expect(model.generate([V], {})).rejects.toThrow(/token id 30 is outside \[0, 30\)/);
    model.dispose();
  });

  it('decodes with its key/value cache exactly as full recomputation, past maxSeqLen too', async () => {
    const model = createLlama(config, { seed: 9 });
    const expected = [7, 3, 11];
    while (expected.length < 3 + 14) {
      const window = expected.slice(-config.maxSeqLen);
      const logits = tf.tidy(() => {
        const all = model.forward(tf.tensor2d([window], undefined, 'int32'));
        return tf.slice(all, [0, window.length - 1, 0], [1, 1, V]).dataSync();
      });
      expected.push(logits.indexOf(Math.max(...logits)));
    }
    const before = tf.memory().numTensors;
    const got = await model.generate([7, 3, 11], { maxNewTokens: 14, temperature: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(got).toEqual(expected);
    model.dispose();
  });

  it('skips ignored targets in the loss', () => {
    const model = createLlama(config, { seed: 4 });
    const ids = tf.tensor2d([[1, 2, 3, 4]], undefined, 'int32');
    const full = model.loss(ids, tf.tensor2d([[2, 3, 4, 5]], undefined, 'int32'));
    const partial = model.loss(ids, tf.tensor2d([[2, 3, -100, -100]], undefined, 'int32'));
    const logp = tf.tidy(
      () => tf.logSoftmax(tf.reshape(model.forward(ids), [4, V])).arraySync() as number[][],
    );
    expect(partial.dataSync()[0]).toBeCloseTo(
      -((logp[0]?.[2] as number) + (logp[1]?.[3] as number)) / 2,
      5,
    );
    expect(full.dataSync()[0]).not.toBeCloseTo(partial.dataSync()[0] as number, 3);
    const padded = model.loss(ids, tf.tensor2d([[2, 3, 0, 0]], undefined, 'int32'), {
      ignoreIndex: 0,
    });
    expect(padded.dataSync()[0]).toBeCloseTo(partial.dataSync()[0] as number, 6);
    model.dispose();
  });

  it('rejects bad inputs with the expected shape and dtype', () => {
    const model = createLlama(config, { seed: 5 });
    expect(() => model.forward(tf.tensor2d([[1, 2]]) as tf.Tensor2D)).toThrow(
      /inputIds must be an int32 tensor \[batch, seq\], got float32/,
    );
    expect(() => model.forward(tf.zeros([1, 13], 'int32') as tf.Tensor2D)).toThrow(
      /seq <= maxSeqLen \(12\)/,
    );
    const ids = tf.zeros([2, 3], 'int32') as tf.Tensor2D;
    expect(() => model.loss(ids, tf.zeros([2, 4], 'int32') as tf.Tensor2D)).toThrow(
      /targets must be int32 \[2, 3\]/,
    );
    model.dispose();
  });

  it('frees every tensor on dispose, cached tables included', () => {
    const before = tf.memory().numTensors;
    const model = createLlama(config, { seed: 6 });
    for (const t of [3, 5, 7]) {
      tf.tidy(() => {
        model.forward(tf.zeros([1, t], 'int32') as tf.Tensor2D);
      });
    }
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
