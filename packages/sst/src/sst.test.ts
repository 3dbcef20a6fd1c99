// SST over a tiny LLaMA with AdamW: the loss falls, nothing leaks, rounds re-SVD, state round-trips.
import { initBackend } from '@relora/backend';
import { createLlama, type LlamaConfig, llamaPreset } from '@relora/llama';
import { AdamW, zeroMomentSlices } from '@relora/optim';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sstStateElements } from './analytical';
import { sampleSpectrum } from './sampling';
import { applySST } from './sst';
import { SSTLinear } from './sst-linear';

const CONFIG: LlamaConfig = llamaPreset('tiny', {
  vocabSize: 30,
  hiddenSize: 16,
  intermediateSize: 24,
  maxSeqLen: 12,
});

function build(seed = 1) {
  const model = createLlama(CONFIG, { seed });
  const sst = applySST(model, { rank: 4, iterationInterval: 3, numIterations: 2, seed, std: 0.02 });
  return { model, sst, adamw: new AdamW({ lr: 0.02, weightDecay: 0.01 }) };
}

async function step(
  { model, sst, adamw }: ReturnType<typeof build>,
  ids: tf.Tensor2D,
  targets: tf.Tensor2D,
  index: number,
): Promise<number> {
  if (!sst.sampled) await sst.resample();
  const { value, grads } = tf.variableGrads(() => model.loss(ids, targets));
  const masked = sst.maskGradients(grads);
  adamw.applyGradients(masked.grads);
  tf.dispose([...masked.created, ...Object.values(grads)]);
  sst.normalize();
  for (const r of await sst.afterStep(index)) zeroMomentSlices(adamw, r.variable, r);
  const loss = (await value.data())[0] as number;
  value.dispose();
  return loss;
}

describe('SST', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('wraps the seven projections of every block; the head stays dense', () => {
    const { model, sst } = build();
    expect(sst.layers.size).toBe(7 * CONFIG.numLayers);
    expect(model.getLinear('model.layers.0.mlp.down_proj')).toBeInstanceOf(SSTLinear);
    expect(model.getLinear('lm_head')).not.toBeInstanceOf(SSTLinear);
    const names = model.namedParameters().map(([n]) => n);
    expect(names).toContain('model.layers.0.self_attn.q_proj.sst_s');
    expect(names).not.toContain('model.layers.0.self_attn.q_proj.weight');
    const counted = model.namedParameters().reduce((acc, [, v]) => acc + v.size, 0);
    expect(sstStateElements(CONFIG, 4).weights).toBe(counted);
    model.dispose();
  });

  it('trains: the loss falls, a step leaks nothing, rounds re-SVD and resample', async () => {
    const run = build();
    const ids = tf.tensor2d(
      [
        [1, 2, 3, 4, 5, 6, 7, 8],
        [8, 7, 6, 5, 4, 3, 2, 1],
      ],
      [2, 8],
      'int32',
    );
    const targets = tf.tensor2d(
      [
        [2, 3, 4, 5, 6, 7, 8, 9],
        [7, 6, 5, 4, 3, 2, 1, 0],
      ],
      [2, 8],
      'int32',
    );
    const losses = [await step(run, ids, targets, 0)];
    const first = run.sst.layers.get('model.layers.0.self_attn.q_proj')!;
    const sampledAt1 = [...first.sampled];
    const before = tf.memory().numTensors;
    for (let i = 1; i < 30; i++) losses.push(await step(run, ids, targets, i));
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! - 1);
    expect(first.sampled).toHaveLength(4);
    expect(first.sampled).not.toEqual(sampledAt1); // resampled 9 times since
    // Step 29 ended a round: the factors are an exact SVD again.
    const vtv = tf.matMul(first.v, first.v, true, false);
    const err = tf.max(tf.abs(tf.sub(vtv, tf.eye(first.k))));
    expect((await err.data())[0]).toBeLessThan(1e-5);
    tf.dispose([vtv, err, ids, targets]);
    run.model.dispose();
    run.adamw.dispose();
  });

  it('state() and restoreState() continue the sampling stream', async () => {
    const a = build(2);
    await a.sst.resample();
    const saved = a.sst.state();
    await a.sst.resample();
    const next = a.sst.state();
    const b = build(2);
    b.sst.restoreState(saved);
    await b.sst.resample();
    expect(b.sst.state()).toEqual(next);
    expect(() => b.sst.restoreState({ ...saved, sampled: {} })).toThrow(/not this model's/);
    a.model.dispose();
    b.model.dispose();
  });
});

describe('sampleSpectrum', () => {
  it('draws r distinct indices, never a zero weight while others remain, reproducibly', () => {
    const sigma = [5, 0, 3, 0, 1, 2];
    let seed = 0;
    const uniform = () => {
      seed = (seed * 9301 + 49297) % 233280;
      return seed / 233280;
    };
    const drawn = sampleSpectrum(sigma, 4, 'sigma', uniform);
    expect(drawn).toEqual([0, 2, 4, 5]);
    expect(sampleSpectrum(sigma, 6, 'sigma', uniform)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sampleSpectrum(sigma, 2, 'mixed', () => 0.99).length).toBe(2);
    expect(() => sampleSpectrum(sigma, 7, 'sigma', uniform)).toThrow(
      /r must be an integer in \[1, 6\]/,
    );
  });
});
