// Data-parallel gradients: the micro-batches of a step shared among the threads of this process and, over a
// Communicator, among processes; threads sum first, then the processes all-reduce one float32 vector.
import type { Worker } from 'node:worker_threads';
import { type BackendName, copyTensorInto } from '@relora/backend';
import type { Communicator } from '@relora/core';
import type { LlamaConfig } from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';
import { loraRngState, setDropoutCalls } from '../lora-phase';
import type { AccumulatedGradients } from '../train-step';
import type { GradientSource, Trainer } from '../trainer';
import { packShared, sharedView } from './data-parallel-buffers';
import {
  allReduceBuckets,
  BUCKET_BYTES,
  type GradientLayout,
  gradientLayout,
  packGradients,
  unpackGradients,
} from './data-parallel-collective';
import type { ReplicaLoRA, ReplicaStep } from './data-parallel-replica';
import { broadcastWeights, checkReplicas } from './data-parallel-replica-check';
import { type ShardSpec, shardGradients, splitRows } from './data-parallel-shard';
import { call, spawnWorker, tfBackendName } from './data-parallel-threads';
import {
  createThreadGroup,
  type ThreadGroup,
  ThreadGroupAborted,
  ThreadsCommunicator,
} from './data-parallel-threads-communicator';

/** Options of {@link DataParallelGradients.start}. */
export interface DataParallelOptions {
  /** Threads computing gradients in this process, the main thread included (it computes the first share). Default 2. */
  workers: number;
  /** The trained model's config: each worker builds its replica from it. */
  modelConfig: LlamaConfig;
  /** Backend of the workers. Default: the main thread's (`tf.getBackend()`). */
  backend?: BackendName;
  /** The worker script. Default: `data-parallel-worker.js` beside this module (its `.ts` source under tsx or vitest). */
  workerUrl?: URL;
  /**
   * The processes training together (e.g. `@relora/mpi`'s `MpiCommunicator`), each running this
   * with the same options and data. Default: this process alone.
   */
  communicator?: Communicator;
  /**
   * Across processes, compare the ranks' weight checksums every this many update steps, besides
   * the first step, the first step of the LoRA phase and the first after each ReLoRA restart
   * (0: only those). Default 100.
   */
  checksumEvery: number;
  /** Largest all-reduce or broadcast across processes, in bytes (larger vectors go in buckets). Default 25 MiB. */
  bucketBytes: number;
}

/** The defaults of {@link DataParallelOptions}. */
export const dataParallelDefaults = {
  workers: 2,
  checksumEvery: 100,
  bucketBytes: BUCKET_BYTES,
} as const;

/**
 * Computes each update step's gradients over `workers` threads in each of the communicator's
 * `size` processes: the gradient of the same mean loss as {@link accumulateGradients}, up to float32
 * rounding. Every process reads all of a step's micro-batches from its train source (so all
 * cursors stay equal and a checkpoint of any rank resumes on any number of processes) and computes
 * only its shares: with `parts = size · workers`, when the micro-batches per step
 * (`totalBatchSize / batchSize`) are a multiple of `parts`, part `p = rank · workers + thread`
 * takes micro-batches `p, p + parts, ...`, with the one-thread run's LoRA dropout masks; otherwise
 * every micro-batch's rows are split among the parts, each loss weighted by its share of the rows
 * (exact when every target counts, as in packed batches), with dropout masks drawn per (micro-batch,
 * part): reproducible, but not the one-thread run's. Each participant weights its losses by
 * 1 / accumulation, so the sum over all of them is the mean: summing is averaging.
 *
 * A step's gradients (trainable parameters in the trainer's order), a presence flag per parameter
 * and the loss form one float32 vector: the threads sum theirs in shared memory (a
 * {@link ThreadsCommunicator}), then the processes all-reduce it over the communicator in buckets
 * of `bucketBytes`. Across processes, rank 0's weights are broadcast at the first step and the
 * replicas' weight checksums compared as `checksumEvery` says (a mismatch throws
 * {@link ReplicaMismatchError} on every rank). Threads receive all weights every step, so merges and
 * resumes need nothing extra. Shared buffers are kept for the pool's life: a step allocates no
 * ArrayBuffer, which would count as external memory and make V8 run a full garbage collection every
 * few steps. Pass it as `TrainerInit.gradients`; {@link close} it when done.
 */
export class DataParallelGradients implements GradientSource {
  // Shared with the workers and reused every step: weights out, and the group's gradient slots.
  private weights?: SharedArrayBuffer;
  private group?: ThreadGroup;
  private synced = false;
  private checkedPhase?: string;
  private checkedRestarts = 0;
  private allReduced = 0;

  private constructor(
    private readonly pool: Worker[],
    private readonly options: Pick<
      DataParallelOptions,
      'communicator' | 'checksumEvery' | 'bucketBytes'
    >,
  ) {}

  /** Starts `workers - 1` worker threads and builds their replicas (one wasm thread each). */
  static async start(
    options: Partial<DataParallelOptions> & Pick<DataParallelOptions, 'modelConfig'>,
  ) {
    const workers = options.workers ?? dataParallelDefaults.workers;
    if (!Number.isInteger(workers) || workers < 1)
      throw new Error(`data-parallel: workers must be an integer >= 1, got ${workers}`);
    const checksumEvery = options.checksumEvery ?? dataParallelDefaults.checksumEvery;
    if (!Number.isInteger(checksumEvery) || checksumEvery < 0)
      throw new Error(`data-parallel: checksumEvery must be an integer >= 0, got ${checksumEvery}`);
    const bucketBytes = options.bucketBytes ?? dataParallelDefaults.bucketBytes;
    if (!Number.isInteger(bucketBytes) || bucketBytes < Float32Array.BYTES_PER_ELEMENT)
      throw new Error(`data-parallel: bucketBytes must be an integer >= 4, got ${bucketBytes}`);
    const backend = workers > 1 ? (options.backend ?? tfBackendName()) : undefined;
    const pool = Array.from({ length: workers - 1 }, () => spawnWorker(options.workerUrl));
    const dp = new DataParallelGradients(pool, {
      checksumEvery,
      bucketBytes,
      ...(options.communicator ? { communicator: options.communicator } : {}),
    });
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

  private get bucketFloats(): number {
    return Math.floor(this.options.bucketBytes / Float32Array.BYTES_PER_ELEMENT);
  }

  /** Threads computing gradients in this process, the main thread included. */
  get workers(): number {
    return this.pool.length + 1;
  }

  /** Processes training together (1 without a communicator). */
  get processes(): number {
    return this.options.communicator?.size ?? 1;
  }

  /** Bytes this process all-reduced across processes in the last step (0 without a communicator). */
  get allReducedBytes(): number {
    return this.allReduced;
  }

  /**
   * One update step's gradients, keyed by `variable.name` as {@link accumulateGradients}'s, summed
   * over all threads and processes; the loss is a number (their float32 sum), tokens the step's
   * over all processes.
   */
  async gradients(trainer: Trainer): Promise<AccumulatedGradients & { loss: number }> {
    const comm = this.options.communicator;
    if (comm && comm.size > 1) await this.keepReplicasEqual(comm, trainer);
    const { shares, tokens } = await this.shareStep(trainer);
    const trainable = trainer.model.namedParameters().filter(([, v]) => v.trainable);
    const layout = gradientLayout(trainable.map(([name, v]) => [name, v.size]));
    const threads = new ThreadsCommunicator(this.threadGroup(layout.length), 0);
    threads.reset();
    const lora = trainer.lora;
    const firstCall = lora ? (Object.values(loraRngState(lora))[0]?.dropoutCalls ?? 0) : 0;
    const replies = this.dispatch(trainer, layout, shares);
    const flat = threads.slot(0, layout.length);
    let failure: unknown;
    try {
      const local = await shardGradients(trainer.model, trainable, shares[0] ?? [], lora);
      try {
        await packGradients(layout, local.grads, local.loss, flat);
      } finally {
        tf.dispose([...local.grads.values()]);
      }
      if (this.workers > 1) await threads.allReduceSum(flat);
    } catch (error) {
      failure = error;
      threads.abort();
    }
    const workerFailure = await replies.then(
      () => undefined,
      (error: unknown) => error,
    );
    // A worker's own error says more than this thread's "another thread failed".
    if (workerFailure && (failure === undefined || failure instanceof ThreadGroupAborted))
      throw workerFailure;
    if (failure !== undefined) throw failure;
    if (comm) {
      await allReduceBuckets(comm, flat, this.bucketFloats);
      this.allReduced = flat.byteLength;
    }
    // Later steps continue the counters as a one-thread run would.
    if (lora) setDropoutCalls(lora, firstCall + trainer.accumulation);
    const { grads, loss } = unpackGradients(
      layout,
      flat,
      new Map(trainable.map(([name, v]) => [name, v])),
    );
    return { loss, grads, tokens };
  }

  /** Stops the worker threads (the communicator is the caller's to close). */
  async close(): Promise<void> {
    await Promise.all(this.pool.map((w) => w.terminate()));
  }

  /**
   * Reads the step's micro-batches and returns this process's shares, one list per thread: every
   * process reads all of them, in order, so no rank's data overlaps another's and none is skipped.
   */
  private async shareStep(trainer: Trainer): Promise<{ shares: ShardSpec[][]; tokens: number }> {
    const accumulation = trainer.accumulation;
    const threads = this.workers;
    const parts = this.processes * threads;
    const first = (this.options.communicator?.rank ?? 0) * threads;
    const mine = (part: number) => part >= first && part < first + threads;
    const whole = accumulation % parts === 0;
    const lora = trainer.lora;
    const firstCall = lora ? (Object.values(loraRngState(lora))[0]?.dropoutCalls ?? 0) : 0;
    const batches = Array.from({ length: accumulation }, () => trainer.train.next());
    const wanted = batches.map((_, k) => !whole || mine(k % parts));
    let tokens = 0;
    for (const b of batches) tokens += b.inputIds.size;
    // The token ids this process computes on, all read in one wait: threads take plain arrays.
    const values = await Promise.all(
      batches.flatMap((b, k) =>
        wanted[k]
          ? [b.inputIds.data() as Promise<Int32Array>, b.targets.data() as Promise<Int32Array>]
          : [],
      ),
    );
    tf.dispose(batches.flatMap((b) => [b.inputIds, b.targets]));
    const shares: ShardSpec[][] = Array.from({ length: threads }, () => []);
    let read = 0;
    for (const [k, batch] of batches.entries()) {
      if (!wanted[k]) continue;
      const [rows, seq] = batch.inputIds.shape;
      const ids = values[read++] as Int32Array;
      const targets = values[read++] as Int32Array;
      if (whole) {
        // Whole micro-batches, round robin: bigger products per call, and the one-thread run's dropout masks.
        shares[(k % parts) - first]?.push({
          inputIds: ids,
          targets,
          rows,
          seq,
          weight: 1 / accumulation,
          dropoutCall: firstCall + k,
        });
        continue;
      }
      splitRows(rows, parts).forEach(([row, count], p) => {
        if (count === 0 || !mine(p)) return;
        shares[p - first]?.push({
          inputIds: ids.slice(row * seq, (row + count) * seq),
          targets: targets.slice(row * seq, (row + count) * seq),
          rows: count,
          seq,
          weight: count / rows / accumulation,
          dropoutCall: (firstCall + k) * parts + p,
        });
      });
    }
    return { shares, tokens };
  }

  /**
   * Across processes: rank 0's weights to every rank before the first step, then a checksum
   * comparison at the first step of a phase, after each restart and every `checksumEvery` steps.
   */
  private async keepReplicasEqual(comm: Communicator, trainer: Trainer): Promise<void> {
    const params = trainer.model.namedParameters();
    const step = trainer.updateStep;
    const every = this.options.checksumEvery;
    let when: string | undefined;
    if (!this.synced) {
      await broadcastWeights(comm, params, this.bucketFloats);
      this.synced = true;
      when = "after rank 0's weights were broadcast";
    } else if (trainer.phase !== this.checkedPhase)
      when = `at the switch to the ${trainer.phase} phase`;
    else if (trainer.nLoraRestarts !== this.checkedRestarts) when = 'after a ReLoRA restart';
    else if (every > 0 && step % every === 0) when = `at the check every ${every} steps`;
    this.checkedPhase = trainer.phase;
    this.checkedRestarts = trainer.nLoraRestarts;
    if (when) await checkReplicas(comm, params, step, when);
  }

  /** The thread group's shared memory, grown when a step's vector no longer fits. */
  private threadGroup(length: number): ThreadGroup {
    if (!this.group || this.group.capacity < length)
      this.group = createThreadGroup(this.workers, length);
    return this.group;
  }

  /** Writes the weights to the shared buffer and sends every worker its shards (maybe none). */
  private dispatch(
    trainer: Trainer,
    layout: GradientLayout,
    shares: ShardSpec[][],
  ): Promise<unknown> {
    if (this.pool.length === 0) return Promise.resolve();
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
    const group = this.group as ThreadGroup;
    return Promise.all(
      this.pool.map((worker, i) => {
        const step: ReplicaStep = {
          type: 'step',
          lora,
          weights,
          layout,
          group,
          rank: i + 1,
          shards: shares[i + 1] ?? [],
        };
        return call(worker, step);
      }),
    );
  }
}
