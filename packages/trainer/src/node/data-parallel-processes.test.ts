// Data parallelism across processes, two "processes" simulated in this thread over a ThreadsCommunicator:
// rank 0's weights reach rank 1, the losses and weights equal one process's bit for bit, a diverged replica stops both.
import { initBackend } from '@relora/backend';
import type { Communicator } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainerOptions } from '../options';
import { Trainer } from '../trainer';
import { DataParallelGradients } from './data-parallel';
import { ReplicaMismatchError } from './data-parallel-replica-check';
import { createThreadGroup, ThreadsCommunicator } from './data-parallel-threads-communicator';
import { tinyModel } from './tiny-model.test-support';

const TEXT = Array.from(
  { length: 40 },
  (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog ${i * 7}`,
);

const OPTIONS: Partial<TrainerOptions> = {
  mode: 'relora',
  numTrainingSteps: 6,
  batchSize: 2,
  totalBatchSize: 4,
  maxLength: 8,
  warmupSteps: 1,
  restartWarmupSteps: 1,
  warmStartSteps: 2,
  relora: 2,
  loraR: 2,
  loraDropout: 0.1,
  evalEvery: 0,
  saveEvery: 0,
};

/** A trainer on the tiny model; its step losses are collected. */
function tinyTrainer(seed: number, gradients?: DataParallelGradients, options = OPTIONS) {
  const { loaders, model } = tinyModel(TEXT, seed);
  const trainer = new Trainer({
    model,
    train: loaders.train,
    options,
    ...(gradients ? { gradients } : {}),
  });
  const losses: number[] = [];
  trainer.on('step', (e) => losses.push(e.loss));
  return { trainer, model, losses };
}

async function weightsOf(trainer: Trainer): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [name, v] of trainer.model.namedParameters()) out[name] = Array.from(await v.data());
  return out;
}

/** Two ranks of one group, each with `workers` threads; small buckets so that every collective is split. */
async function twoRanks(
  seeds: [number, number],
  checksumEvery: number,
  workers = 1,
  options = OPTIONS,
) {
  const group = createThreadGroup(2, 256);
  const config = tinyModel(TEXT, 0).config;
  return Promise.all(
    seeds.map(async (seed, rank) => {
      const communicator: Communicator = new ThreadsCommunicator(group, rank);
      const dp = await DataParallelGradients.start({
        workers,
        modelConfig: config,
        communicator,
        bucketBytes: 1024,
        checksumEvery,
      });
      return { ...tinyTrainer(seed, dp, options), dp };
    }),
  );
}

describe('DataParallelGradients across processes (simulated in one thread)', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it("trains on rank 0's weights and equals one process with the same total batch, bit for bit", async () => {
    const one = tinyTrainer(3);
    await one.trainer.run();
    const ranks = await twoRanks([3, 99], 2);
    await Promise.all(ranks.map((r) => r.trainer.run()));
    expect(one.trainer.nLoraRestarts).toBeGreaterThan(0);
    expect(ranks[0]?.trainer.nLoraRestarts).toBe(one.trainer.nLoraRestarts);
    expect(ranks[0]?.losses).toEqual(one.losses);
    expect(ranks[1]?.losses).toEqual(one.losses);
    const expected = await weightsOf(one.trainer);
    for (const r of ranks) expect(await weightsOf(r.trainer)).toEqual(expected);
    // A step's gradients: the LoRA phase's trainable share, 4 bytes each, plus flags and loss.
    const trainable = one.trainer.model.namedParameters().filter(([, v]) => v.trainable);
    const floats = trainable.reduce((n, [, v]) => n + v.size, 0) + trainable.length + 1;
    expect(ranks[0]?.dp.allReducedBytes).toBe(4 * floats);
    for (const r of [one, ...ranks]) r.model.dispose();
  });

  it('stops every rank with the diverged ranks named when the weights differ', async () => {
    const ranks = await twoRanks([5, 5], 1);
    await Promise.all(ranks.map((r) => r.trainer.step()));
    // A step across processes leaks no tensor.
    const before = tf.memory().numTensors;
    await Promise.all(ranks.map((r) => r.trainer.step()));
    expect(tf.memory().numTensors).toBe(before);
    const [, second] = ranks.map((r) => r.trainer);
    const [, w] = second?.model.namedParameters()[0] ?? [];
    w?.assign(tf.tidy(() => tf.add(w, 1e-3)));
    const results = await Promise.allSettled(ranks.map((r) => r.trainer.step()));
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(ReplicaMismatchError);
      expect((error as ReplicaMismatchError).ranks).toEqual([1]);
      expect((error as Error).message).toMatch(
        /rank 1 differ from rank 0's at the switch to the lora phase \(update step 2\)/,
      );
    }
    for (const r of ranks) r.model.dispose();
  });
});

describe('worker threads inside each simulated process (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it("sums the threads first, then the processes: one process's losses within float32 rounding", async () => {
    // Four micro-batches per step: one per thread of each process, whole, with one process's masks.
    const options = { ...OPTIONS, totalBatchSize: 8 };
    const one = tinyTrainer(7, undefined, options);
    await one.trainer.run();
    const ranks = await twoRanks([7, 8], 2, 2, options);
    try {
      await Promise.all(ranks.map((r) => r.trainer.run()));
      expect(ranks[1]?.losses).toEqual(ranks[0]?.losses);
      const worst = Math.max(
        ...one.losses.map((l, i) => Math.abs((ranks[0]?.losses[i] as number) - l) / l),
      );
      expect(worst).toBeLessThan(1e-5);
    } finally {
      await Promise.all(ranks.map((r) => r.dp.close()));
      for (const r of [one, ...ranks]) r.model.dispose();
    }
  });
});
