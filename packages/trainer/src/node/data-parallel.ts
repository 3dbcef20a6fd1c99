// Data-parallel gradients over worker threads: each computes its rows of every micro-batch; the main thread averages.
import type { Worker } from 'node:worker_threads';
import { type BackendName, copyTensorInto, tensorFromValues } from '@relora/backend';
import type { LlamaConfig } from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';
import { loraRngState, setDropoutCalls } from '../lora-phase';
import type { AccumulatedGradients } from '../train-step';
import type { GradientSource, Trainer } from '../trainer';
import { packShared, type SharedArrays, sharedView } from './data-parallel-buffers';
import type { ReplicaLoRA, ReplicaResult, ReplicaStep } from './data-parallel-replica';
import { type ShardSpec, shardGradients, splitRows } from './data-parallel-shard';
import { call, spawnWorker, tfBackendName } from './data-parallel-threads';

/** Options of {@link DataParallelGradients.start}. */
export interface DataParallelOptions {
  /** Threads computing gradients, the main thread included (it computes the first share). Default 2. */
  workers: number;
  /** The trained model's config: each worker builds its replica from it. */
  modelConfig: LlamaConfig;
  /** Backend of the workers. Default: the main thread's (`tf.getBackend()`). */
  backend?: BackendName;
  /** The worker script. Default: `data-parallel-worker.js` beside this module (its `.ts` source under tsx or vitest). */
  workerUrl?: URL;
}

/** The defaults of {@link DataParallelOptions}. */
export const dataParallelDefaults = { workers: 2 } as const;

/**
 * Computes each update step's gradients over `workers` threads and sums them on the main thread:
 * the gradient of the same mean loss as {@link accumulateGradients}, up to float32 rounding.
 * When the micro-batches per step (`totalBatchSize / batchSize`) are a multiple of `workers`, each
 * thread takes whole micro-batches, with the one-thread run's LoRA dropout masks. Otherwise every
 * micro-batch's rows are split among the threads, each loss weighted by its share of the rows
 * (exact when every target counts, as in packed batches), with dropout masks drawn per (micro-batch,
 * share): reproducible, but not the one-thread run's. Workers receive all weights every step, so
 * merges and resumes need nothing extra. Weights and gradients cross threads through
 * SharedArrayBuffers kept for the pool's life: a step allocates no ArrayBuffer, which would count
 * as external memory and make V8 run a full garbage collection every few steps. Pass it as
 * `TrainerInit.gradients`; {@link close} it when done.
 */
export class DataParallelGradients implements GradientSource {
  // Shared with the workers and reused every step: weights out, each worker's gradients back.
  private weights?: SharedArrayBuffer;
  private readonly grads: SharedArrayBuffer[] = [];

  private constructor(private readonly pool: Worker[]) {}

  /** Starts `workers - 1` worker threads and builds their replicas (one wasm thread each). */
  static async start(
    options: Partial<DataParallelOptions> & Pick<DataParallelOptions, 'modelConfig'>,
  ) {
    const workers = options.workers ?? dataParallelDefaults.workers;
    if (!Number.isInteger(workers) || workers < 1)
      throw new Error(`data-parallel: workers must be an integer >= 1, got ${workers}`);
    const backend = options.backend ?? tfBackendName();
    const pool = Array.from({ length: workers - 1 }, () => spawnWorker(options.workerUrl));
    const dp = new DataParallelGradients(pool);
    try {
      await Promise.all(
        pool.map((w) => call(w, { type: 'init', modelConfig: options.modelConfig, backend })),
      );
    } catch (error) {
      await dp.close();
      throw error;
    }
    return dp;
  }

  /** Threads computing gradients, the main thread included. */
  get workers(): number {
    return this.pool.length + 1;
  }

  /**
   * One update step's gradients, keyed by `variable.name` as {@link accumulateGradients}'s; the
   * loss is a number, the workers' summed with this thread's.
   */
  async gradients(trainer: Trainer): Promise<AccumulatedGradients & { loss: number }> {
    const parts = this.workers;
    const accumulation = trainer.accumulation;
    const trainable = trainer.model.namedParameters().filter(([, v]) => v.trainable);
    const lora = trainer.lora;
    const firstCall = lora ? (Object.values(loraRngState(lora))[0]?.dropoutCalls ?? 0) : 0;
    const shares: ShardSpec[][] = Array.from({ length: parts }, () => []);
    let tokens = 0;
    const batches = Array.from({ length: accumulation }, () => trainer.train.next());
    const tensors = batches.flatMap((b) => [b.inputIds, b.targets]);
    // The step's token ids, all read in one wait: the workers take them as plain arrays.
    const values = await Promise.all(tensors.map((t) => t.data() as Promise<Int32Array>));
    tf.dispose(tensors);
    for (let k = 0; k < accumulation; k++) {
      const [rows, seq] = (batches[k] as (typeof batches)[number]).inputIds.shape;
      const ids = values[2 * k] as Int32Array;
      const targets = values[2 * k + 1] as Int32Array;
      tokens += rows * seq;
      if (accumulation % parts === 0) {
        // Whole micro-batches, round robin: bigger products per call, and the one-thread run's dropout masks.
        shares[k % parts]?.push({
          inputIds: ids,
          targets,
          rows,
          seq,
          weight: 1 / accumulation,
          dropoutCall: firstCall + k,
        });
        continue;
      }
      splitRows(rows, parts).forEach(([first, count], p) => {
        if (count === 0) return;
        shares[p]?.push({
          inputIds: ids.slice(first * seq, (first + count) * seq),
          targets: targets.slice(first * seq, (first + count) * seq),
          rows: count,
          seq,
          weight: count / rows / accumulation,
          dropoutCall: (firstCall + k) * parts + p,
        });
      });
    }
    const { replies, grads: slabs } = this.dispatch(trainer, trainable, shares);
    const local = await shardGradients(trainer.model, trainable, shares[0] ?? [], lora);
    // Later steps continue the counters as a one-thread run would.
    if (lora) setDropoutCalls(lora, firstCall + accumulation);
    let loss = local.loss;
    const sums = local.grads;
    try {
      for (const [i, reply] of (await replies).entries()) {
        loss += reply.loss;
        const slab = slabs[i] as SharedArrays;
        const written = new Set(reply.written);
        for (const [name, offset, length] of slab.layout) {
          if (!written.has(name)) continue;
          const mine = sums.get(name);
          if (!mine)
            throw new Error(`data-parallel: a worker returned an unknown gradient ${name}`);
          const theirs = sharedView(slab.buffer, offset, length);
          sums.set(
            name,
            tf.tidy(() => tf.add(mine, tensorFromValues(theirs, mine.shape))),
          );
          mine.dispose();
        }
      }
    } catch (error) {
      tf.dispose([...sums.values()]);
      throw error;
    }
    const grads: tf.NamedTensorMap = {};
    for (const [name, variable] of trainable) {
      const g = sums.get(name);
      if (g) grads[variable.name] = g;
    }
    return { loss, grads, tokens };
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    await Promise.all(this.pool.map((w) => w.terminate()));
  }

  /** Writes the weights to the shared buffer and sends each busy worker its shards. */
  private dispatch(
    trainer: Trainer,
    trainable: Array<[string, tf.Variable]>,
    shares: ShardSpec[][],
  ): { replies: Promise<ReplicaResult[]>; grads: SharedArrays[] } {
    const busy = this.pool
      .map((worker, i): [Worker, number, ShardSpec[]] => [worker, i, shares[i + 1] ?? []])
      .filter(([, , shards]) => shards.length > 0);
    if (busy.length === 0) return { replies: Promise.resolve([]), grads: [] };
    const layer = trainer.lora?.layers.values().next().value;
    const lora: ReplicaLoRA | null = layer
      ? {
          rank: layer.options.rank,
          alpha: layer.options.alpha,
          dropout: layer.options.dropout,
          trainableScaling: layer.options.trainableScaling,
          loraOnly: layer.options.loraOnly,
          seed: trainer.options.seed,
        }
      : null;
    const params = trainer.model.namedParameters();
    const weights = packShared(
      params.map(([name, v]) => [name, v.size]),
      this.weights,
    );
    this.weights = weights.buffer;
    params.forEach(([, v], i) => {
      const [, offset, length] = weights.layout[i] as [string, number, number];
      copyTensorInto(v, sharedView(weights.buffer, offset, length));
    });
    const sizes = trainable.map(([name, v]): [string, number] => [name, v.size]);
    const grads = busy.map(([, i]) => {
      const slab = packShared(sizes, this.grads[i]);
      this.grads[i] = slab.buffer;
      return slab;
    });
    const replies = Promise.all(
      busy.map(([worker, , shards], k) => {
        const step: ReplicaStep = {
          type: 'step',
          lora,
          weights,
          grads: grads[k] as SharedArrays,
          shards,
        };
        return call<ReplicaResult>(worker, step);
      }),
    );
    return { replies, grads };
  }
}
