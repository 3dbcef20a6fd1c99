// Data-parallel gradients equal one thread's: row shares in-process on each backend, and real worker threads.
import { initBackend } from '@relora/backend';
import type { LoaderCursor } from '@relora/data';
import { createLlama, llamaPreset } from '@relora/llama';
import { normRelativeError } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loraRngState, restoreLoraRngState } from '../lora-phase';
import type { TrainerOptions } from '../options';
import { accumulateGradients, type Batch } from '../train-step';
import { Trainer } from '../trainer';
import { DataParallelGradients } from './data-parallel';
import { type ShardSpec, shardGradients, splitRows } from './data-parallel-shard';

const CONFIG = llamaPreset('tiny', {
  vocabSize: 64,
  hiddenSize: 32,
  intermediateSize: 64,
  numLayers: 2,
});
const ROWS = 5;
const SEQ = 12;

function batches(count: number): Array<{ ids: Int32Array; targets: Int32Array }> {
  let state = 7;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % CONFIG.vocabSize;
  };
  return Array.from({ length: count }, () => ({
    ids: Int32Array.from({ length: ROWS * SEQ }, next),
    targets: Int32Array.from({ length: ROWS * SEQ }, next),
  }));
}

/** A train source cycling over fixed batches; these tests never checkpoint it. */
function source(data: ReturnType<typeof batches>) {
  let i = 0;
  return {
    next(): Batch {
      const b = data[i++ % data.length] as (typeof data)[number];
      return {
        inputIds: tf.tensor2d(b.ids, [ROWS, SEQ], 'int32'),
        targets: tf.tensor2d(b.targets, [ROWS, SEQ], 'int32'),
      };
    },
    rewind: () => {
      i = 0;
    },
    cursor(): LoaderCursor {
      throw new Error('fixed test batches have no data cursor');
    },
    restore(): void {
      throw new Error('fixed test batches have no data cursor');
    },
  };
}

const OPTIONS: Partial<TrainerOptions> = {
  mode: 'relora',
  numTrainingSteps: 7,
  batchSize: ROWS,
  totalBatchSize: 2 * ROWS,
  maxLength: SEQ,
  warmupSteps: 1,
  restartWarmupSteps: 1,
  warmStartSteps: 1,
  relora: 2,
  loraR: 4,
  loraDropout: 0,
  evalEvery: 0,
  saveEvery: 0,
};

/** The worst normwise relative error over the named tensors (the same names in both). */
function worstError(a: tf.NamedTensorMap, b: tf.NamedTensorMap): number {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  return Math.max(...Object.entries(a).map(([name, x]) => normRelativeError(x, b[name]!)));
}

async function oneThread(trainer: Trainer, data: ReturnType<typeof source>) {
  data.rewind();
  const vars = trainer.model.namedParameters().flatMap(([, v]) => (v.trainable ? [v] : []));
  const result = accumulateGradients(trainer.model, () => data.next(), trainer.accumulation, vars);
  const loss = (await result.loss.data())[0] as number;
  result.loss.dispose();
  return { ...result, loss };
}

describe.each(['cpu', 'wasm'] as const)('row shares in-process (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it.each([2, 3])('%i shares sum to the one-thread gradient, full-rank and LoRA', async (parts) => {
    const data = source(batches(2));
    const model = createLlama(CONFIG, { seed: 1 });
    const trainer = new Trainer({ model, train: data, options: OPTIONS });
    for (const lora of [false, true]) {
      if (lora) trainer.enterLoRA(false);
      const trainable = trainer.model.namedParameters().filter(([, v]) => v.trainable);
      const expected = await oneThread(trainer, data);
      data.rewind();
      const before = tf.memory().numTensors;
      const shares: ShardSpec[][] = Array.from({ length: parts }, () => []);
      for (let k = 0; k < trainer.accumulation; k++) {
        const { inputIds, targets } = data.next();
        const ids = inputIds.dataSync() as Int32Array;
        const tg = targets.dataSync() as Int32Array;
        tf.dispose([inputIds, targets]);
        splitRows(ROWS, parts).forEach(([first, rows], p) => {
          shares[p]?.push({
            inputIds: ids.slice(first * SEQ, (first + rows) * SEQ),
            targets: tg.slice(first * SEQ, (first + rows) * SEQ),
            rows,
            seq: SEQ,
            weight: rows / ROWS / trainer.accumulation,
            dropoutCall: k,
          });
        });
      }
      const results = [];
      for (const s of shares)
        results.push(await shardGradients(trainer.model, trainable, s, trainer.lora));
      const summed: tf.NamedTensorMap = {};
      for (const [name, v] of trainable) {
        summed[v.name] = tf.addN(results.map((r) => r.grads.get(name) as tf.Tensor));
      }
      const loss = results.reduce((sum, r) => sum + r.loss, 0);
      expect(Math.abs(loss - expected.loss) / expected.loss).toBeLessThan(1e-5);
      expect(worstError(summed, expected.grads)).toBeLessThan(1e-4);
      tf.dispose([...results.flatMap((r) => [...r.grads.values()]), Object.values(summed)]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(Object.values(expected.grads));
    }
    model.dispose();
  });
});

describe('DataParallelGradients with a worker thread (wasm)', () => {
  let dp: DataParallelGradients;
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    dp = await DataParallelGradients.start({ workers: 2, modelConfig: CONFIG });
  });
  afterAll(async () => {
    await dp?.close();
  });

  it.each([
    ['rows of each micro-batch', ROWS],
    ['whole micro-batches', 2 * ROWS],
  ])('matches one thread (%s) before and after the switch to LoRA and a merge', async (_, total) => {
    const data = source(batches(2));
    const model = createLlama(CONFIG, { seed: 2 });
    const trainer = new Trainer({
      model,
      train: data,
      options: { ...OPTIONS, totalBatchSize: total },
    });
    const compare = async () => {
      const expected = await oneThread(trainer, data);
      data.rewind();
      const got = await dp.gradients(trainer);
      expect(got.tokens).toBe(expected.tokens);
      expect(Math.abs(got.loss - expected.loss) / expected.loss).toBeLessThan(1e-5);
      expect(worstError(got.grads, expected.grads)).toBeLessThan(1e-4);
      tf.dispose([Object.values(got.grads), Object.values(expected.grads)]);
    };
    await compare();
    trainer.enterLoRA(false);
    await trainer.step(); // trains B away from zero
    await compare();
    trainer.lora?.mergeAndReinit(); // changes the frozen weights the worker must pick up
    await compare();
    model.dispose();
  });

  it("draws the one-thread run's dropout masks when each thread takes whole micro-batches", async () => {
    const data = source(batches(2));
    const model = createLlama(CONFIG, { seed: 4 });
    const trainer = new Trainer({ model, train: data, options: { ...OPTIONS, loraDropout: 0.5 } });
    trainer.enterLoRA(false);
    await trainer.step();
    const lora = trainer.lora as NonNullable<typeof trainer.lora>;
    const counters = loraRngState(lora);
    const expected = await oneThread(trainer, data);
    restoreLoraRngState(lora, counters);
    data.rewind();
    const got = await dp.gradients(trainer);
    expect(loraRngState(lora)).toEqual(
      Object.fromEntries(
        Object.entries(counters).map(([k, c]) => [k, { ...c, dropoutCalls: c.dropoutCalls + 2 }]),
      ),
    );
    expect(worstError(got.grads, expected.grads)).toBeLessThan(1e-4);
    tf.dispose([Object.values(got.grads), Object.values(expected.grads)]);
    model.dispose();
  });

  it('trains through a warm start and restarts without leaking tensors, reproducibly', async () => {
    const run = async () => {
      const model = createLlama(CONFIG, { seed: 3 });
      const trainer = new Trainer({
        model,
        train: source(batches(3)),
        options: { ...OPTIONS, loraDropout: 0.1 },
        gradients: dp,
      });
      const losses: number[] = [];
      trainer.on('step', (e) => losses.push(e.loss));
      await trainer.step();
      await trainer.step();
      const before = tf.memory().numTensors;
      await trainer.run();
      expect(tf.memory().numTensors).toBe(before);
      expect(trainer.nLoraRestarts).toBe(2);
      model.dispose();
      return losses;
    };
    const first = await run();
    expect(first).toHaveLength(7);
    expect(first.every(Number.isFinite)).toBe(true);
    expect(await run()).toEqual(first);
  });
});

describe('DataParallelGradients when a worker thread fails', () => {
  it("rejects with the worker's error instead of waiting for its share", async () => {
    await initBackend({ prefer: 'wasm' });
    // The worker's replica has another width than the trainer's model: its step throws.
    const other = { ...CONFIG, hiddenSize: 16, intermediateSize: 32 };
    const dp = await DataParallelGradients.start({ workers: 2, modelConfig: other });
    try {
      const model = createLlama(CONFIG, { seed: 5 });
      const trainer = new Trainer({ model, train: source(batches(2)), options: OPTIONS });
      await expect(dp.gradients(trainer)).rejects.toThrow(/does not match the replica/);
      model.dispose();
    } finally {
      await dp.close();
    }
  });
});
