// SwitchLoRA through the trainer: loss falls, steps leak nothing, checkpoints resume bit for bit with the switch state, weights stay HF-readable.
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
import { writeCheckpoint } from './checkpoint-writer';
import { tinyModel } from './tiny-model.test-support';

const TEXT = Array.from(
  { length: 60 },
  (_, i) => `Line ${i}: a small corpus for method tests, number ${i % 9}.`,
);

function build(options: Partial<TrainerOptions> = {}) {
  const { loaders, config, model } = tinyModel(TEXT, 1);
  const trainer = new Trainer({
    model,
    train: loaders.train,
    options: {
      method: 'switchlora',
      scheduler: 'cosine',
      numTrainingSteps: 40,
      batchSize: 2,
      totalBatchSize: 2,
      maxLength: 8,
      warmupSteps: 2,
      lr: 0.02,
      loraR: 4,
      loraAlpha: 1, // the method's recipe, which relora-pretrain applies
      loraDropout: 0.1,
      switchLoraInterval: 10,
      adamWarmStep: 2,
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
    const run = await losses(trainer, 40);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(run.slice(-5))).toBeLessThan(mean(run.slice(0, 5)) - 0.5);
  });

  it('leaks no tensor across steps and switches', async () => {
    const { trainer } = build();
    await trainer.step();
    const before = tf.memory().numTensors;
    await losses(trainer, 4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes bit for bit from a checkpoint (pools, pointers, freezes, step counters)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relora-switchlora-'));
    const a = build();
    await losses(a.trainer, 4);
    const path = await writeCheckpoint(a.trainer, { dir, config: a.config });
    expect(existsSync(join(path, 'method_state.safetensors'))).toBe(true);
    const uninterrupted = await losses(a.trainer, 5);

    const b = build();
    resumeFromCheckpoint(b.trainer, path);
    expect(b.trainer.updateStep).toBe(4);
    expect(await losses(b.trainer, 5)).toEqual(uninterrupted);

    // model.safetensors is a plain LLaMA, W + s·A·B merged: a fresh model computes what the run's did.
    const fresh = createLlama(a.config, { seed: 9 });
    loadCheckpointWeights(fresh, path);
    expect(fresh.namedParameters().some(([n]) => n.includes('lora_'))).toBe(false);
    const c = build();
    resumeFromCheckpoint(c.trainer, path);
    const ids = tf.tensor2d([[3, 40, 41, 7, 90, 12, 5, 66]], [1, 8], 'int32');
    const want = c.model.forward(ids);
    const got = fresh.forward(ids);
    const diff = tf.max(tf.abs(tf.sub(got, want)));
    expect((await diff.data())[0]).toBeLessThan(1e-4);
    tf.dispose([ids, want, got, diff]);
  });

  it('refuses a warm start and an interval below twice the freeze', () => {
    // mode full: the loop itself refuses a warm start.
    expect(() => build({ warmStartSteps: 2 })).toThrow('a warm start needs mode lora or relora');
    expect(() => build({ switchLoraInterval: 3 })).toThrow(
      /must be at least 2 \* adamWarmStep = 4, got 3/,
    );
  });
});
