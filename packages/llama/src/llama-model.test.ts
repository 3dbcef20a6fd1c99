// Tests of the decoder: shapes, causality, initial loss, overfitting one batch, no leaks.
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLlama } from './llama-model';
import { llamaPreset } from './presets';

const V = 50;
const config = llamaPreset('tiny', { vocabSize: V, maxSeqLen: 16 });

function randomIds(batch: number, seqLen: number, seed: number): tf.Tensor2D {
  return tf.tidy(() =>
    tf.cast(tf.randomUniform([batch, seqLen], 0, V, 'float32', seed), 'int32'),
  ) as tf.Tensor2D;
}

describe.each(['cpu', 'wasm'] as const)('llama on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('maps [B, T] ids to [B, T, V] logits', () => {
    const model = createLlama(config, { seed: 1 });
    const ids = randomIds(2, 7, 1);
    const logits = model.forward(ids);
    expect(logits.shape).toEqual([2, 7, V]);
    expect(logits.dtype).toBe('float32');
    tf.dispose([ids, logits]);
    model.dispose();
  });

  it('is causal: logits at t do not depend on tokens after t', () => {
    const model = createLlama(config, { seed: 2 });
    const a = [[3, 14, 15, 9, 26, 5, 35, 8]];
    const b = [[3, 14, 15, 9, 2, 7, 1, 49]];
    // Per position, the largest logit change when tokens 4.. change (a and b share tokens 0..3).
    const change = tf.tidy(() => {
      const la = model.forward(tf.tensor2d(a, undefined, 'int32'));
      const lb = model.forward(tf.tensor2d(b, undefined, 'int32'));
      return Array.from(tf.max(tf.abs(tf.sub(la, lb)), [0, 2]).dataSync());
    });
    expect(Math.max(...change.slice(0, 4))).toBeLessThan(1e-5);
    expect(Math.min(...change.slice(4))).toBeGreaterThan(1e-4);
    model.dispose();
  });

  it('starts near ln(V) loss', () => {
    const model = createLlama(config, { seed: 3 });
    const ids = randomIds(4, 16, 2);
    const targets = randomIds(4, 16, 3);
    const loss = model.loss(ids, targets);
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(V), 1);
    tf.dispose([ids, targets, loss]);
    model.dispose();
  });

  it('overfits one batch and leaks no tensors across steps', () => {
    const model = createLlama({ ...config, hiddenSize: 32, intermediateSize: 64 }, { seed: 4 });
    const ids = randomIds(2, 12, 4);
    const targets = randomIds(2, 12, 5);
    const optimizer = tf.train.adam(2e-2);
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => model.loss(ids, targets),
        model.trainableVariables(),
      );
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose(grads);
      const loss = value.dataSync()[0] as number;
      value.dispose();
      return loss;
    };
    const first = step();
    step();
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 28; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(first).toBeGreaterThan(3.5);
    expect(last).toBeLessThan(0.5);
    optimizer.dispose();
    tf.dispose([ids, targets]);
    model.dispose();
  });
});
