import { initBackend } from '@relora/backend';
import { createLlama } from '@relora/llama';
import { AdamW } from '@relora/optim';
import { randomTensor } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { crnetParameterCounts, crnetStateElements } from './analytical';
import { withBufferBytes } from './buffer-bytes.test-support';
import { CrNetChain } from './crnet-chain';
import { CrNetDenseLinear, CrNetLowRankLinear } from './crnet-linear';
import { type CrNetModel, createCrNetLlama } from './crnet-model';
import { randomIds, SMALL_CONFIG } from './small-config.test-support';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

/** Sets every β to a different value, so c is not 1 and its gradient is exercised. */
function spreadBetas(model: CrNetModel): void {
  let i = 0;
  for (const [name, v] of model.namedParameters()) {
    if (name.endsWith('crnet_beta')) {
      const beta = i++ % 2 === 0 ? 0.8 - 0.05 * i : -0.7;
      tf.tidy(() => v.assign(tf.scalar(beta)));
    }
  }
}

describe('createCrNetLlama', () => {
  it('makes block 1 full-rank and blocks 2..L low-rank, as the analytical counts say', () => {
    const model = createCrNetLlama(SMALL_CONFIG, { rank: 4 }, { seed: 0 });
    const names = model.namedParameters().map(([n]) => n);
    expect(names).toContain('model.layers.0.self_attn.q_proj.weight');
    expect(names).toContain('model.layers.1.self_attn.q_proj.crnet_a');
    expect(names).toContain('model.layers.3.mlp.down_proj.crnet_beta');
    expect(names).not.toContain('model.layers.1.self_attn.q_proj.weight');
    const elements = model.namedParameters().reduce((sum, [, v]) => sum + v.size, 0);
    expect(elements).toBe(crnetParameterCounts(SMALL_CONFIG, 4).total);
    expect(model.trainableVariables()).toHaveLength(names.length);
    model.dispose();
  });

  it('computes the recurrence Y_l = c·Y_{l-1} + X A B as a float64 loop does', async () => {
    const [inF, outF, rank, rows, layers] = [6, 5, 2, 3, 4];
    const chain = new CrNetChain(layers, 8);
    const slot = (block: number) => ({
      chain,
      kind: 'q',
      block,
      inFeatures: inF,
      outFeatures: outF,
      name: `b${block}`,
      seed: 3,
    });
    const dense = new CrNetDenseLinear(slot(0), 0.5);
    const lowRank = [1, 2, 3].map(
      (block) =>
        new CrNetLowRankLinear(slot(block), {
          rank,
          recompute: false,
          betaInit: [0, 0.7, -1.3, 0][block]!,
          factorInit: 'cola',
        }),
    );
    const xs = [0, 1, 2, 3].map((l) => randomTensor([rows, inF], 10 + l));
    const outputs = [dense, ...lowRank].map((layer, l) => layer.apply(xs[l]!));
    // The reference in float64, from the layers' own float32 weights.
    const read = async (t: tf.Tensor) => Float64Array.from(await t.data());
    const matmul = (a: Float64Array, b: Float64Array, n: number, k: number, m: number) => {
      const out = new Float64Array(n * m);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < m; j++)
          for (let p = 0; p < k; p++) out[i * m + j]! += a[i * k + p]! * b[p * m + j]!;
      return out;
    };
    let y = matmul(await read(xs[0]!), await read(dense.kernel), rows, inF, outF);
    expect(Array.from(await outputs[0]!.data())).toEqual(Array.from(Float32Array.from(y)));
    for (const [i, layer] of lowRank.entries()) {
      const beta = (await read(layer.beta))[0]!;
      const c = Math.sign(beta) * (Math.abs(beta) + 1e-6);
      const xa = matmul(await read(xs[i + 1]!), await read(layer.crnetA), rows, inF, rank);
      const low = matmul(xa, await read(layer.crnetB), rows, rank, outF);
      y = y.map((v, k) => c * v + low[k]!);
      const got = await outputs[i + 1]!.data();
      for (let k = 0; k < y.length; k++) expect(got[k]).toBeCloseTo(y[k]!, 5);
    }
    tf.dispose([...xs, ...outputs]);
    for (const layer of [dense, ...lowRank]) layer.dispose();
    chain.dispose();
  });

  it('leaves nothing held between forwards, and a training step leaks no tensor while the loss falls', async () => {
    const model = createCrNetLlama(SMALL_CONFIG, { rank: 4 }, { seed: 1 });
    const ids = randomIds(2, 8, 1);
    const targets = randomIds(2, 8, 2);
    const optimizer = new AdamW({ lr: 1e-2 });
    const step = async () => {
      const { value, grads } = tf.variableGrads(() => model.loss(ids, targets));
      optimizer.applyGradients(grads);
      const loss = (await value.data())[0]!;
      tf.dispose([value, grads]);
      return loss;
    };
    const first = await step();
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 15; i++) last = await step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first - 0.5);
    tf.dispose([ids, targets]);
    model.dispose();
  });

  it('samples with the key/value cache as full forwards do (greedy), leaving no tensor', async () => {
    const model = createCrNetLlama(SMALL_CONFIG, { rank: 4 }, { seed: 3 });
    await model.generate([1], { maxNewTokens: 1 }); // builds the full-length tables once
    const before = tf.memory().numTensors;
    const generated = await model.generate([1, 2, 3], { maxNewTokens: 4, temperature: 0 });
    expect(tf.memory().numTensors).toBe(before);
    const expected = [1, 2, 3];
    for (let i = 0; i < 4; i++) {
      const ids = tf.tensor2d([expected], undefined, 'int32');
      const logits = model.forward(ids);
      const last = tf.argMax(tf.slice(logits, [0, expected.length - 1, 0], [1, 1, -1]), -1);
      expected.push((await last.data())[0]!);
      tf.dispose([ids, logits, last]);
    }
    expect(generated).toEqual(expected);
    model.dispose();
  });
});

describe('recompute', () => {
  async function gradients(model: CrNetModel) {
    const ids = randomIds(2, 8, 5);
    const targets = randomIds(2, 8, 6);
    spreadBetas(model);
    const { value, grads } = tf.variableGrads(() => model.loss(ids, targets));
    const byName = new Map<string, Float32Array>();
    for (const [name, v] of model.namedParameters()) {
      byName.set(name, (await grads[v.name]!.data()) as Float32Array);
    }
    const loss = (await value.data())[0]!;
    tf.dispose([ids, targets, value, grads]);
    model.dispose();
    return { loss, byName };
  }

  it('gives the plain gradients bit for bit when every output is a checkpoint', async () => {
    const plain = await gradients(createCrNetLlama(SMALL_CONFIG, { rank: 4 }, { seed: 2 }));
    const before = tf.memory().numTensors;
    const recomputed = await gradients(
      createCrNetLlama(SMALL_CONFIG, { rank: 4, recompute: true, checkpointEvery: 1 }, { seed: 2 }),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(recomputed.loss).toBe(plain.loss);
    for (const [name, g] of plain.byName) expect(recomputed.byName.get(name), name).toEqual(g);
  });

  it('rebuilds Y_{l-1} by inverting the recurrence: β gradients within 1e-4 (relative) of the plain ones', async () => {
    const plain = await gradients(createCrNetLlama(SMALL_CONFIG, { rank: 4 }, { seed: 2 }));
    const recomputed = await gradients(
      createCrNetLlama(SMALL_CONFIG, { rank: 4, recompute: true }, { seed: 2 }),
    );
    expect(recomputed.loss).toBe(plain.loss);
    let worst = 0;
    for (const [name, g] of plain.byName) {
      const r = recomputed.byName.get(name)!;
      const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
      for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(r[i]! - g[i]!) / scale);
      // Only β's gradient reads the rebuilt Y_{l-1}; every other gradient is bit for bit.
      if (!name.endsWith('crnet_beta')) expect(r, name).toEqual(g);
    }
    // Three rebuilds deep (L = 4, one checkpoint): about 1e-5 measured on cpu.
    expect(worst).toBeLessThan(1e-4);
    expect(worst).toBeGreaterThan(0);
  });
});

describe('saved activations', () => {
  /** Buffer bytes alive when the backward starts, less those alive before the forward. */
  function savedBytes(model: { loss: CrNetModel['loss'] }, bytes: () => number): number {
    const ids = randomIds(2, 8, 7);
    const targets = randomIds(2, 8, 8);
    tf.dispose(model.loss(ids, targets)); // builds the rotary tables and mask once
    let atBackward = 0;
    const probe = tf.customGrad((x) => ({
      value: tf.clone(x as tf.Tensor),
      gradFunc: (dy) => {
        atBackward = bytes();
        return dy;
      },
    }));
    const before = bytes();
    const { value, grads } = tf.variableGrads(() => probe(model.loss(ids, targets)) as tf.Scalar);
    tf.dispose([ids, targets, value, grads]);
    return atBackward - before;
  }

  it.each([
    [false, 8],
    [true, 8],
    [true, 1],
  ])('recompute %s (checkpoint every %i): the backward keeps what crnetStateElements counts', async (recompute, every) => {
    await withBufferBytes(async (bytes) => {
      const llama = createLlama(SMALL_CONFIG, { seed: 4 });
      const dense = savedBytes(llama, bytes);
      llama.dispose();
      const options = { rank: 4, recompute, checkpointEvery: every };
      const model = createCrNetLlama(SMALL_CONFIG, options, { seed: 4 });
      const measured = savedBytes(model, bytes) - dense;
      model.dispose();
      const counts = crnetStateElements(SMALL_CONFIG, options);
      expect(measured).toBe(
        (counts.projectionActivationsPerToken * 16 + counts.projectionScalars) * 4,
      );
    });
  });
});
