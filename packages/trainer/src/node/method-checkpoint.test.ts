// GaLore and Fira through the trainer: loss falls, steps leak nothing, checkpoints resume bit for bit with the projector state, weights stay HF-readable.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainerOptions } from '../options';
import { resumeFromCheckpoint } from './checkpoint-reader';
import { METHOD_STATE_FILE } from './checkpoint-writer';
import {
  checkpointAfter,
  loadPlainLlama,
  methodRun,
  parameterValues,
  resumed,
  resumedLosses,
} from './method-run.test-support';
import { mean, stepLosses } from './tiny-model.test-support';

function build(method: 'galore' | 'fira', options: Partial<TrainerOptions> = {}) {
  return methodRun({ method, lr: 0.01, rank: 4, updateProjGap: 3, galoreScale: 0.25, ...options });
}

describe.each(['galore', 'fira'] as const)('--method %s', (method) => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('trains every weight, projects attention and MLP only, and the loss falls', async () => {
    const { trainer, model } = build(method);
    expect(trainer.options.mode).toBe('full');
    expect(trainer.phase).toBe('full');
    const run = await stepLosses(trainer, 40);
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
    await stepLosses(trainer, 4); // refreshes at step 3
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes bit for bit from a checkpoint (projectors, projected moments, limiter), across a refresh', async () => {
    const run = await resumedLosses(() => build(method), 4, 5);
    expect(existsSync(join(run.path, METHOD_STATE_FILE))).toBe(true);
    expect(run.resumedAt).toBe(4);
    expect(run.resumed).toEqual(run.uninterrupted);

    // model.safetensors is a plain LLaMA: a fresh model loads it and holds the checkpoint's weights.
    const c = resumed(() => build(method), run.path);
    const fresh = loadPlainLlama(c.config, run.path);
    expect(await parameterValues(fresh)).toEqual(await parameterValues(c.model));
  });

  it('refuses a resume with another rank or method, naming the option', async () => {
    const path = await checkpointAfter(build(method), 1);
    expect(() => resumeFromCheckpoint(build(method, { rank: 2 }).trainer, path)).toThrow(
      'the checkpoint was trained with rank = 4, this run has 2',
    );
    const other = method === 'galore' ? 'fira' : 'galore';
    expect(() => resumeFromCheckpoint(build(other).trainer, path)).toThrow(
      `the checkpoint was trained with method = "${method}", this run has "${other}"`,
    );
  });
});
