// SST through the trainer: loss falls, steps leak nothing, checkpoints resume bit for bit across
// resamples and re-SVDs, and model.safetensors is a plain LLaMA.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainerOptions } from '../options';
import { Trainer } from '../trainer';
import { resumeFromCheckpoint } from './checkpoint-reader';
import { writeCheckpoint } from './checkpoint-writer';
import { plainLlamaDifference, resumedLosses } from './method-run.test-support';
import { stepLosses, tinyModel } from './tiny-model.test-support';

const TEXT = Array.from(
  { length: 60 },
  (_, i) => `Line ${i}: a small corpus for SST tests, number ${i % 9}.`,
);

function build(options: Partial<TrainerOptions> = {}) {
  const { loaders, config, model } = tinyModel(TEXT, 1);
  const trainer = new Trainer({
    model,
    train: loaders.train,
    options: {
      method: 'sst',
      scheduler: 'cosine',
      relora: null,
      numTrainingSteps: 40,
      batchSize: 2,
      totalBatchSize: 2,
      maxLength: 8,
      warmupSteps: 2,
      lr: 0.02,
      weightDecay: 0.01,
      rank: 4,
      sstIterationInterval: 3,
      sstNumIterations: 2,
      evalEvery: 0,
      ...options,
    },
  });
  return { trainer, config, model };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('--method sst', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('trains the spectral factors, the loss falls, no tensor leaks', async () => {
    const { trainer, model } = build();
    expect(trainer.options.mode).toBe('full');
    const names = model.namedParameters().map(([n]) => n);
    expect(names).toContain('model.layers.0.mlp.up_proj.sst_ut');
    expect(names.some((n) => n.endsWith('q_proj.weight'))).toBe(false);
    const first = await stepLosses(trainer, 2);
    const before = tf.memory().numTensors;
    const run = await stepLosses(trainer, 30);
    expect(tf.memory().numTensors).toBe(before);
    expect(mean(run.slice(-5))).toBeLessThan(mean(first) - 0.5);
  });

  it('resumes bit for bit; model.safetensors loads into a plain LLaMA with the same outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relora-sst-'));
    // Steps 5-9 cross a re-SVD (after step 6) and two resamples.
    const { uninterrupted, resumed, path } = await resumedLosses(build, dir, 4, 5);
    expect(existsSync(join(path, 'method_state.safetensors'))).toBe(true);
    expect(resumed).toEqual(uninterrupted);

    const c = build();
    resumeFromCheckpoint(c.trainer, path);
    const { difference, names } = await plainLlamaDifference(c.model, c.config, path);
    expect(names.some((n) => n.includes('sst_'))).toBe(false);
    expect(difference).toBeLessThan(1e-4);
  });

  it('refuses a rank above min(in, out) and a resume with another iteration interval', async () => {
    expect(() => build({ rank: 17 })).toThrow(/rank 17 exceeds min\(in, out\) = 16/);
    const dir = mkdtempSync(join(tmpdir(), 'relora-sst-'));
    const a = build();
    await a.trainer.step();
    const path = await writeCheckpoint(a.trainer, { dir, config: a.config });
    expect(() => resumeFromCheckpoint(build({ sstIterationInterval: 5 }).trainer, path)).toThrow(
      'the checkpoint was trained with sstIterationInterval = 3, this run has 5',
    );
  });
});
