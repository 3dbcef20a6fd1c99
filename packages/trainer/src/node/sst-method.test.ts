// SST through the trainer: loss falls, steps leak nothing, checkpoints resume bit for bit across
// resamples and re-SVDs, and model.safetensors is a plain LLaMA.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainerOptions } from '../options';
import { resumeFromCheckpoint } from './checkpoint-reader';
import {
  checkpointAfter,
  methodRun,
  plainLlamaDifference,
  resumed,
  resumedLosses,
} from './method-run.test-support';
import { mean, stepLosses } from './tiny-model.test-support';

function build(options: Partial<TrainerOptions> = {}) {
  return methodRun({
    method: 'sst',
    relora: null,
    lr: 0.02,
    weightDecay: 0.01,
    rank: 4,
    sstIterationInterval: 3,
    sstNumIterations: 2,
    ...options,
  });
}

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
    // Steps 5-9 cross a re-SVD (after step 6) and two resamples.
    const { uninterrupted, resumed: again, path } = await resumedLosses(build, 4, 5);
    expect(existsSync(join(path, 'method_state.safetensors'))).toBe(true);
    expect(again).toEqual(uninterrupted);

    const c = resumed(build, path);
    const { difference, names } = await plainLlamaDifference(c.model, c.config, path);
    expect(names.some((n) => n.includes('sst_'))).toBe(false);
    expect(difference).toBeLessThan(1e-4);
  });

  it('refuses a rank above min(in, out) and a resume with another iteration interval', async () => {
    expect(() => build({ rank: 17 })).toThrow(/rank 17 exceeds min\(in, out\) = 16/);
    const path = await checkpointAfter(build(), 1);
    expect(() => resumeFromCheckpoint(build({ sstIterationInterval: 5 }).trainer, path)).toThrow(
      'the checkpoint was trained with sstIterationInterval = 3, this run has 5',
    );
  });
});
