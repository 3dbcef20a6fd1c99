// SwitchLoRA through the trainer: loss falls, steps leak nothing, checkpoints resume bit for bit with the switch state, weights stay HF-readable.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainerOptions } from '../options';
import { methodRun, plainLlamaDifference, resumed, resumedLosses } from './method-run.test-support';
import { mean, stepLosses } from './tiny-model.test-support';

function build(options: Partial<TrainerOptions> = {}) {
  return methodRun({
    method: 'switchlora',
    lr: 0.02,
    loraR: 4,
    loraAlpha: 1, // the method's recipe, which relora-pretrain applies
    loraDropout: 0.1,
    switchLoraInterval: 10,
    adamWarmStep: 2,
    ...options,
  });
}

describe('--method switchlora', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('trains the factors, embeddings, norms and head, and the loss falls', async () => {
    const { trainer, model } = build();
    const trainable = model
      .namedParameters()
      .filter(([, v]) => v.trainable)
      .map(([n]) => n);
    expect(trainable.filter((n) => n.includes('.lora_')).length).toBe(14);
    expect(trainable.some((n) => n.endsWith('q_proj.weight'))).toBe(false);
    const loraA = model.namedParameters().find(([n]) => n.endsWith('q_proj.lora_A.weight'));
    expect(loraA?.[1].shape).toEqual([16, 4]); // rank loraR, in tfjs layout [in, r]
    const run = await stepLosses(trainer, 40);
    expect(mean(run.slice(-5))).toBeLessThan(mean(run.slice(0, 5)) - 0.5);
  });

  it('leaks no tensor across steps and switches', async () => {
    const { trainer } = build();
    await trainer.step();
    const before = tf.memory().numTensors;
    await stepLosses(trainer, 4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes bit for bit from a checkpoint (pools, pointers, freezes, step counters)', async () => {
    const run = await resumedLosses(() => build(), 4, 5);
    expect(existsSync(join(run.path, 'method_state.safetensors'))).toBe(true);
    expect(run.resumedAt).toBe(4);
    expect(run.resumed).toEqual(run.uninterrupted);

    // model.safetensors is a plain LLaMA, W + s·A·B merged: a fresh model computes what the run's did.
    const c = resumed(() => build(), run.path);
    const { difference, names } = await plainLlamaDifference(c.model, c.config, run.path);
    expect(names.some((n) => n.includes('lora_'))).toBe(false);
    expect(difference).toBeLessThan(1e-4);
  });

  it('refuses a warm start and an interval below twice the freeze', () => {
    // mode full: the loop itself refuses a warm start.
    expect(() => build({ warmStartSteps: 2 })).toThrow('a warm start needs mode lora or relora');
    expect(() => build({ switchLoraInterval: 3 })).toThrow(
      /must be at least 2 \* adamWarmStep = 4, got 3/,
    );
  });
});
