// A training run reads nothing back synchronously: with tf.Tensor's sync reads made to throw, a warm
// start, a ReLoRA restart with magnitude pruning, evaluations, a checkpoint, a resume and generation
// still complete (on cpu, and on webgpu where an adapter exists: there sync reads throw in Node).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, releaseBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainerOptions } from '../options';
import { Trainer } from '../trainer';
import { resumeFromCheckpoint } from './checkpoint-reader';
import { CHECKPOINT_FILES, writeCheckpoint } from './checkpoint-writer';
import { tinyModel } from './tiny-model.test-support';

const SYNC_READS = ['dataSync', 'arraySync', 'bufferSync'] as const;

/** Runs `f` with tf.Tensor's synchronous reads replaced by functions that throw; restores them after. */
async function withoutSyncReads<T>(f: () => Promise<T>): Promise<T> {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const saved = SYNC_READS.map((name) => [name, proto[name]] as const);
  for (const name of SYNC_READS) {
    proto[name] = () => {
      throw new Error(`a synchronous read (tensor.${name}()) on a training run's path`);
    };
  }
  try {
    return await f();
  } finally {
    for (const [name, original] of saved) proto[name] = original;
  }
}

const TEXT = Array.from(
  { length: 40 },
  (_, i) => `Line ${i}: reads go through await, never through a sync call, number ${i % 5}.`,
);

// One full-rank step, then ReLoRA: a merge and a magnitude-pruning reset after update step 3.
const OPTIONS: Partial<TrainerOptions> = {
  numTrainingSteps: 5,
  warmStartSteps: 1,
  relora: 2,
  warmupSteps: 1,
  restartWarmupSteps: 1,
  batchSize: 2,
  totalBatchSize: 4,
  maxLength: 8,
  loraR: 2,
  loraDropout: 0.1,
  resetOptimizerOnRelora: false,
  optimizerMagnitudePruning: 0.9,
  evalEvery: 2,
  evalTokens: 32,
  saveEvery: 0,
};

/** The whole run under test; returns what the assertions look at. */
async function trainTiny(dir: string) {
  const { loaders, config, model } = tinyModel(TEXT, 3);
  const trainer = new Trainer({
    model,
    train: loaders.train,
    validation: loaders.validation,
    options: OPTIONS,
    save: (t) => writeCheckpoint(t, { dir, config }),
  });
  const zeroed: number[] = [];
  const evals: number[] = [];
  const losses: number[] = [];
  trainer.on('restart', (e) => zeroed.push(e.zeroed / e.total));
  trainer.on('eval', (e) => evals.push(e.updateStep));
  trainer.on('step', (e) => losses.push(e.loss));
  const result = await trainer.run();
  const generated = await model.generate([1, 2, 3], { maxNewTokens: 4, seed: 1, topK: 5 });

  const resumed = tinyModel(TEXT, 3);
  const again = new Trainer({
    model: resumed.model,
    train: resumed.loaders.train,
    options: OPTIONS,
  });
  resumeFromCheckpoint(again, join(dir, `model_${result.updateStep}`));
  const scaling = await again.lora?.layers.values().next().value?.scaling();
  model.dispose();
  resumed.model.dispose();
  return { result, zeroed, evals, losses, generated, resumedStep: again.updateStep, scaling };
}

/** Trains without sync reads, checks the run did everything, and returns it. */
async function expectCompletes(): Promise<Awaited<ReturnType<typeof trainTiny>>> {
  const dir = mkdtempSync(join(tmpdir(), 'relora-no-sync-'));
  try {
    const run = await withoutSyncReads(() => trainTiny(dir));
    expect(run.result).toMatchObject({ reason: 'finished', updateStep: 5 });
    expect(Number.isFinite(run.result.evalLoss)).toBe(true);
    expect(run.evals).toEqual([0, 2, 4, 5]);
    expect(run.zeroed).toHaveLength(1);
    expect(run.zeroed[0]).toBeGreaterThan(0.8);
    expect(run.generated).toHaveLength(7);
    expect(run.resumedStep).toBe(5);
    expect(run.scaling).toBe(32 / 2);
    for (const file of Object.values(CHECKPOINT_FILES))
      expect(existsSync(join(dir, 'model_5', file))).toBe(true);
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a training run without synchronous reads', () => {
  it('completes on cpu, and the sync reads are back afterwards', async () => {
    await initBackend({ prefer: 'cpu' });
    await expectCompletes();
    const t = tf.tensor1d([1, 2]);
    expect(Array.from(t.dataSync())).toEqual([1, 2]);
    t.dispose();
  });
});

const webgpu = await initBackend({ prefer: 'webgpu' }).then(
  () => undefined,
  (error: Error) => error.message.split('\n')[0],
);

describe('a training run on webgpu', () => {
  afterAll(() => releaseBackend());

  it.skipIf(webgpu !== undefined)(
    webgpu ? `completes (skipped here: ${webgpu})` : "completes, with cpu's losses",
    async () => {
      await initBackend({ prefer: 'cpu' });
      const cpu = await expectCompletes();
      await initBackend({ prefer: 'webgpu' });
      const gpu = await expectCompletes();
      // A kernel WebGPU rejects only prints a validation error and computes nothing: compare.
      expect(gpu.losses).toHaveLength(cpu.losses.length);
      gpu.losses.forEach((loss, i) => {
        expect(loss).toBeCloseTo(cpu.losses[i]!, 4);
      });
      expect(gpu.result.evalLoss).toBeCloseTo(cpu.result.evalLoss!, 4);
    },
  );
});
