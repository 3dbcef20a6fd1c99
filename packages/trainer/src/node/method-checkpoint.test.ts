// GaLore and Fira through the trainer: loss falls, steps leak nothing, checkpoints resume bit for bit with the projector state, weights stay HF-readable.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import { createLlama } from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainerOptions } from '../options';
import { Trainer } from '../trainer';
import { loadCheckpointWeights, resumeFromCheckpoint } from './checkpoint-reader';
import { METHOD_STATE_FILE, writeCheckpoint } from './checkpoint-writer';
import { tinyModel } from './tiny-model.test-support';

const TEXT = Array.from(
  { length: 60 },
  (_, i) => `Line ${i}: a small corpus for method tests, number ${i % 9}.`,
);

function build(method: 'galore' | 'fira', options: Partial<TrainerOptions> = {}) {
  const { loaders, config, model } = tinyModel(TEXT, 1);
  const trainer = new Trainer({
    model,
    train: loaders.train,
    options: {
      method,
      scheduler: 'cosine',
      numTrainingSteps: 40,
      batchSize: 2,
      totalBatchSize: 2,
      maxLength: 8,
      warmupSteps: 2,
      lr: 0.01,
      rank: 4,
      updateProjGap: 3,
      galoreScale: 0.25,
      evalEvery: 0,
      ...options,
    },
  });
  return { trainer, config, model };
}

async function losses(trainer: Trainer, steps: number): Promise<number[]> {
  const out: number[] = [];
  const off = trainer.on('step', (e) => out.push(e.loss));
  for (let i = 0; i < steps; i++) await trainer.step();
  off();
  return out;
}

describe.each(['galore', 'fira'] as const)('--method %s', (method) => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('trains every weight, projects attention and MLP only, and the loss falls', async () => {
    const { trainer, model } = build(method);
    expect(trainer.options.mode).toBe('full');
    expect(trainer.phase).toBe('full');
    const run = await losses(trainer, 40);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(run.slice(-5))).toBeLessThan(mean(run.slice(0, 5)) - 0.5);
    // Embeddings, norms and head keep plain AdamW state; the 7 projections do not.
    const plain = trainer.optimizer.slots().length;
    const all = model.namedParameters().length;
    expect(plain).toBe(all - 7);
  });

  it('leaks no tensor across steps and projector refreshes', async () => {
    const { trainer } = build(method);
    await trainer.step();
    const before = tf.memory().numTensors;
    await losses(trainer, 4); // refreshes at step 3
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes bit for bit from a checkpoint (projectors, projected moments, limiter), across a refresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), `relora-${method}-`));
    const a = build(method);
    await losses(a.trainer, 4);
    const path = await writeCheckpoint(a.trainer, { dir, config: a.config });
    expect(existsSync(join(path, METHOD_STATE_FILE))).toBe(true);
    const uninterrupted = await losses(a.trainer, 5);

    const b = build(method);
    resumeFromCheckpoint(b.trainer, path);
    expect(b.trainer.updateStep).toBe(4);
    expect(await losses(b.trainer, 5)).toEqual(uninterrupted);

    // model.safetensors is a plain LLaMA: a fresh model loads it and holds the checkpoint's weights.
    const fresh = createLlama(a.config, { seed: 9 });
    loadCheckpointWeights(fresh, path);
    const c = build(method);
    resumeFromCheckpoint(c.trainer, path);
    const want = c.model.namedParameters();
    const got = fresh.namedParameters();
    for (let i = 0; i < want.length; i++)
      expect(await got[i]![1].data()).toEqual(await want[i]![1].data());
  });

  it('refuses a resume with another rank or method, naming the option', async () => {
    const dir = mkdtempSync(join(tmpdir(), `relora-${method}-`));
    const a = build(method);
    await a.trainer.step();
    const path = await writeCheckpoint(a.trainer, { dir, config: a.config });
    expect(() => resumeFromCheckpoint(build(method, { rank: 2 }).trainer, path)).toThrow(
      'the checkpoint was trained with rank = 4, this run has 2',
    );
    const other = method === 'galore' ? 'fira' : 'galore';
    expect(() => resumeFromCheckpoint(build(other).trainer, path)).toThrow(
      `the checkpoint was trained with method = "${method}", this run has "${other}"`,
    );
  });
});
