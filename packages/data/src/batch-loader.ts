// Packed next-token batches from a split: windows of seqLen + 1 tokens, shuffled per epoch, resumable.

import { permuteIndex } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import type { TokenRuns } from './document-split';

/** One training batch: `targets[b, t]` is the token after `inputIds[b, t]`. The caller disposes both. */
export interface Batch {
  /** int32 [batch, seqLen] */
  inputIds: tf.Tensor2D;
  /** int32 [batch, seqLen] */
  targets: tf.Tensor2D;
}

/** A batch as plain arrays, row-major [batch, seqLen]; no tensors involved. */
export interface BatchArrays {
  inputIds: Int32Array;
  targets: Int32Array;
  batchSize: number;
  seqLen: number;
}

/** Where a loader stands: JSON-serialisable; `restore` continues exactly from here. */
export interface LoaderCursor {
  version: 1;
  /** Epochs completed. */
  epoch: number;
  /** Batches already taken from the current epoch. */
  batch: number;
  seed: number;
  shuffle: boolean;
  batchSize: number;
  seqLen: number;
  /** Windows in the split: a different count means different data. */
  windows: number;
  /** Identity of the data (tokenizer hash, split, token count): restore refuses another. */
  fingerprint: string;
}

/** Options of a {@link BatchLoader}. */
export interface BatchLoaderOptions {
  /** Sequences per batch. */
  batchSize: number;
  /** Tokens per sequence (the model's context length); windows hold seqLen + 1 tokens. */
  seqLen: number;
  /** Seed of the per-epoch shuffle. */
  seed: number;
  /** Shuffle windows each epoch (training) or read them in order (validation). */
  shuffle: boolean;
  /** Identifies the data in cursors. */
  fingerprint: string;
  /** Name used in errors, e.g. `train split`. */
  label: string;
}

/**
 * Cuts a split's token stream into windows of `seqLen + 1` tokens (window k starts at token
 * k * seqLen, so every token but the first is a target once per epoch) and serves them as batches.
 * Epoch e visits the windows in a seeded permutation fixed by `(seed, e)`; the last partial
 * batch of an epoch is dropped.
 */
export class BatchLoader {
  readonly batchSize: number;
  readonly seqLen: number;
  /** Windows of seqLen + 1 tokens in the split. */
  readonly windows: number;
  /** Full batches per epoch. */
  readonly batchesPerEpoch: number;
  private epoch = 0;
  private batch = 0;
  private readonly window: Int32Array;

  constructor(
    private readonly runs: TokenRuns,
    private readonly options: BatchLoaderOptions,
  ) {
    const { batchSize, seqLen, label } = options;
    if (!(Number.isInteger(batchSize) && batchSize > 0))
      throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    if (!(Number.isInteger(seqLen) && seqLen > 0))
      throw new Error(`seqLen must be a positive integer, got ${seqLen}`);
    this.batchSize = batchSize;
    this.seqLen = seqLen;
    this.windows = Math.max(0, Math.floor((runs.length - 1) / seqLen));
    this.batchesPerEpoch = Math.floor(this.windows / batchSize);
    if (this.batchesPerEpoch === 0) {
      throw new Error(
        `${label} has ${runs.length} tokens in ${runs.numDocuments} documents: ${this.windows} windows of ` +
          `seqLen + 1 = ${seqLen + 1} tokens, fewer than batchSize ${batchSize}; use more data, a smaller batch or seqLen`,
      );
    }
    this.window = new Int32Array(seqLen + 1);
  }

  /** Tokens the split holds. */
  get tokens(): number {
    return this.runs.length;
  }

  /** The next batch as int32 tensors [batchSize, seqLen]; the caller disposes them. */
  next(): Batch {
    return toTensors(this.nextArrays());
  }

  /** The next batch as arrays (what `next` wraps in tensors). */
  nextArrays(): BatchArrays {
    if (this.batch >= this.batchesPerEpoch) {
      this.epoch++;
      this.batch = 0;
    }
    const first = this.batch * this.batchSize;
    this.batch++;
    return this.gather((b) => this.windowIndex(first + b));
  }

  /**
   * A fixed evaluation set: the first windows of the split in stream order (never shuffled, not
   * affected by the cursor), `ceil(tokens / (batchSize * seqLen))` batches. Throws when the split is
   * smaller than that.
   */
  *fixedBatches(tokens: number): Generator<Batch> {
    const count = Math.max(1, Math.ceil(tokens / (this.batchSize * this.seqLen)));
    if (count > this.batchesPerEpoch) {
      throw new Error(
        `${this.options.label} holds ${this.batchesPerEpoch * this.batchSize * this.seqLen} tokens in full batches, ` +
          `fewer than the ${tokens} asked for`,
      );
    }
    for (let i = 0; i < count; i++) {
      yield toTensors(this.gather((b) => i * this.batchSize + b));
    }
  }

  cursor(): LoaderCursor {
    const { seed, shuffle, fingerprint } = this.options;
    return {
      version: 1,
      epoch: this.epoch,
      batch: this.batch,
      seed,
      shuffle,
      batchSize: this.batchSize,
      seqLen: this.seqLen,
      windows: this.windows,
      fingerprint,
    };
  }

  /** Continues from `cursor`; throws if it was taken from a loader over other data or settings. */
  restore(cursor: LoaderCursor): void {
    const mine = this.cursor();
    for (const key of [
      'version',
      'seed',
      'shuffle',
      'batchSize',
      'seqLen',
      'windows',
      'fingerprint',
    ] as const) {
      if (cursor[key] !== mine[key]) {
        throw new Error(
          `cannot restore ${this.options.label}: cursor ${key} is ${JSON.stringify(cursor[key])}, ` +
            `this loader has ${JSON.stringify(mine[key])}`,
        );
      }
    }
    if (!(Number.isInteger(cursor.epoch) && cursor.epoch >= 0 && Number.isInteger(cursor.batch))) {
      throw new Error(
        `cannot restore ${this.options.label}: bad epoch/batch ${cursor.epoch}/${cursor.batch}`,
      );
    }
    if (cursor.batch < 0 || cursor.batch > this.batchesPerEpoch) {
      throw new Error(
        `cannot restore ${this.options.label}: batch ${cursor.batch} outside [0, ${this.batchesPerEpoch}]`,
      );
    }
    this.epoch = cursor.epoch;
    this.batch = cursor.batch;
  }

  private windowIndex(position: number): number {
    const { shuffle, seed } = this.options;
    return shuffle
      ? permuteIndex(position, this.windows, (seed + Math.imul(this.epoch, 0x9e3779b9)) | 0)
      : position;
  }

  private gather(windowOf: (b: number) => number): BatchArrays {
    const { batchSize, seqLen } = this;
    const window = this.window;
    const inputIds = new Int32Array(batchSize * seqLen);
    const targets = new Int32Array(batchSize * seqLen);
    for (let b = 0; b < batchSize; b++) {
      this.runs.read(windowOf(b) * seqLen, seqLen + 1, window, 0);
      inputIds.set(window.subarray(0, seqLen), b * seqLen);
      targets.set(window.subarray(1), b * seqLen);
    }
    return { inputIds, targets, batchSize, seqLen };
  }
}

function toTensors(arrays: BatchArrays): Batch {
  const shape: [number, number] = [arrays.batchSize, arrays.seqLen];
  return {
    inputIds: tf.tensor2d(arrays.inputIds, shape, 'int32'),
    targets: tf.tensor2d(arrays.targets, shape, 'int32'),
  };
}
