// CoLA and CoLA-M through the trainer: the loss falls, steps leak nothing, checkpoints resume bit for
// bit and are CoLA directories (config.json with rank and only_lr_act, factors as the official code).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import { colaConfigFields, createColaLlama } from '@relora/cola';
import { loadColaCheckpoint } from '@relora/cola/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainerOptions } from '../options';
import { Trainer } from '../trainer';
import { resumeFromCheckpoint } from './checkpoint-reader';
import { writeCheckpoint } from './checkpoint-writer';
import { stepLosses, tinyModel } from './tiny-model.test-support';

const TEXT = Array.from(
  { length: 60 },
  (_, i) => `Line ${i}: a small corpus for CoLA tests, number ${i % 9}.`,
);

function build(method: 'cola' | 'cola-m', options: Partial<TrainerOptions> = {}) {
  const { loaders, config, model: plain } = tinyModel(TEXT, 1);
  plain.dispose();
  const rank = options.rank ?? 4;
  const model = createColaLlama(config, { rank, recompute: method === 'cola-m' }, { seed: 1 });
  const trainer = new Trainer({
    model,
    train: loaders.train,
    options: {
      method,
      scheduler: 'cosine',
      relora: null,
      numTrainingSteps: 40,
      batchSize: 2,
      totalBatchSize: 2,
      maxLength: 8,
      warmupSteps: 2,
      lr: 0.01,
      weightDecay: 0.01,
      clipGradNorm: 0.5,
      rank,
      evalEvery: 0,
      ...options,
    },
  });
  return { trainer, config, model };
}

describe.each(['cola', 'cola-m'] as const)('--method %s', (method) => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('trains every parameter from scratch, the loss falls, no tensor leaks', async () => {
    const { trainer, model } = build(method);
    expect(trainer.options.mode).toBe('full');
    const first = await stepLosses(trainer, 2);
    const before = tf.memory().numTensors;
    const run = await stepLosses(trainer, 30);
    expect(tf.memory().numTensors).toBe(before);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(run.slice(-5))).toBeLessThan(mean(first) - 0.5);
    expect(trainer.optimizer.slots().length).toBe(model.namedParameters().length);
  });

  it('resumes bit for bit; the checkpoint is a CoLA directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), `relora-${method}-`));
    const a = build(method);
    await stepLosses(a.trainer, 4);
    const path = await writeCheckpoint(a.trainer, {
      dir,
      config: a.config,
      configExtra: colaConfigFields(a.model.cola),
    });
    const uninterrupted = await stepLosses(a.trainer, 5);

    const b = build(method);
    resumeFromCheckpoint(b.trainer, path);
    expect(b.trainer.updateStep).toBe(4);
    expect(await stepLosses(b.trainer, 5)).toEqual(uninterrupted);

    const loaded = await loadColaCheckpoint(path);
    expect(loaded.cola).toMatchObject({ rank: 4 });
    const c = build(method);
    resumeFromCheckpoint(c.trainer, path);
    const want = c.model.namedParameters();
    const got = loaded.namedParameters();
    expect(got.map(([n]) => n)).toEqual(want.map(([n]) => n));
    for (let i = 0; i < want.length; i++)
      expect(await got[i]![1].data()).toEqual(await want[i]![1].data());
    loaded.dispose();
  });

  it('refuses a model that is not CoLA at the run rank, and a resume at another rank', async () => {
    const { loaders, model } = tinyModel(TEXT, 1);
    expect(
      () =>
        new Trainer({
          model,
          train: loaders.train,
          options: { method, scheduler: 'cosine', relora: null, rank: 4 },
        }),
    ).toThrow(`--method ${method}: the model is not a CoLA model`);
    model.dispose();
    const dir = mkdtempSync(join(tmpdir(), `relora-${method}-`));
    const a = build(method);
    await a.trainer.step();
    const path = await writeCheckpoint(a.trainer, { dir, config: a.config });
    expect(() => resumeFromCheckpoint(build(method, { rank: 2 }).trainer, path)).toThrow(
      'the checkpoint was trained with rank = 4, this run has 2',
    );
  });
});
