// CR-Net through the trainer: the loss falls, steps leak nothing, checkpoints resume bit for bit
// and are CR-Net directories (config.json with model_type "crnet" and rank).
import { initBackend } from '@relora/backend';
import { createCrNetLlama, crnetConfigFields } from '@relora/crnet';
import { loadCrNetCheckpoint } from '@relora/crnet/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainerOptions } from '../options';
import { Trainer } from '../trainer';
import { resumeFromCheckpoint } from './checkpoint-reader';
import {
  checkpointAfter,
  METHOD_TEXT,
  methodRun,
  parameterValues,
  resumed,
  resumedLosses,
} from './method-run.test-support';
import { mean, stepLosses, tinyModel } from './tiny-model.test-support';

function build(method: 'crnet' | 'crnet-m', options: Partial<TrainerOptions> = {}) {
  const rank = options.rank ?? 4;
  const run = methodRun(
    {
      method,
      relora: null,
      lr: 0.01,
      weightDecay: 0.01,
      clipGradNorm: 0.5,
      rank,
      ...options,
    },
    // Three blocks, so the cross-layer chain has two low-rank links.
    (config) =>
      createCrNetLlama(
        { ...config, numLayers: 3 },
        { rank, recompute: method === 'crnet-m' },
        { seed: 1 },
      ),
  );
  const configExtra = crnetConfigFields(run.model.crnet);
  return { ...run, config: run.model.config, configExtra };
}

describe.each(['crnet', 'crnet-m'] as const)('--method %s', (method) => {
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
    expect(mean(run.slice(-5))).toBeLessThan(mean(first) - 0.5);
    expect(trainer.optimizer.slots().length).toBe(model.namedParameters().length);
  });

  it('resumes bit for bit; the checkpoint is a CR-Net directory', async () => {
    const run = await resumedLosses(() => build(method), 4, 5);
    expect(run.resumedAt).toBe(4);
    expect(run.resumed).toEqual(run.uninterrupted);

    const loaded = await loadCrNetCheckpoint(run.path);
    expect(loaded.crnet).toMatchObject({ rank: 4 });
    const c = resumed(() => build(method), run.path);
    expect(await parameterValues(loaded)).toEqual(await parameterValues(c.model));
    loaded.dispose();
  });

  it('refuses a model that is not CR-Net at the run rank, and a resume at another rank', async () => {
    const { loaders, model } = tinyModel(METHOD_TEXT, 1);
    expect(
      () =>
        new Trainer({
          model,
          train: loaders.train,
          options: { method, scheduler: 'cosine', relora: null, rank: 4 },
        }),
    ).toThrow(`--method ${method}: the model is not a CR-Net model`);
    model.dispose();
    const path = await checkpointAfter(build(method), 1);
    expect(() => resumeFromCheckpoint(build(method, { rank: 2 }).trainer, path)).toThrow(
      'the checkpoint was trained with rank = 4, this run has 2',
    );
  });
});
