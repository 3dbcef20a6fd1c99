// Per-sequence-length constants (causal mask, rotary tables), built once and kept until evicted or disposed.
import * as tf from '@tensorflow/tfjs-core';
import { type RotaryTables, rotaryTables } from './rotary';

/** What attention needs for one sequence length T. */
export interface SequenceTables {
  /** Additive causal mask [T, T]: 0 where key <= query, a large negative number above the diagonal. */
  mask: tf.Tensor2D;
  /** Rotary tables for queries, pre-scaled by 1/sqrt(headDim). */
  query: RotaryTables;
  /** Rotary tables for keys. */
  key: RotaryTables;
}

/** Finite rather than -Infinity, so no arithmetic on masked scores can produce NaN (-Infinity + Infinity). */
const MASKED = -1e9;

/** Lower-triangular additive mask [T, T]. */
export function causalMask(seqLen: number): tf.Tensor2D {
  const values = new Float32Array(seqLen * seqLen);
  for (let q = 0; q < seqLen; q++) values.fill(MASKED, q * seqLen + q + 1, (q + 1) * seqLen);
  return tf.tensor2d(values, [seqLen, seqLen]);
}

/** Kept tables by T; a small LRU bound stops generation (every T from 1 up) from hoarding memory. */
export class SequenceCache {
  private readonly entries = new Map<number, SequenceTables>();

  constructor(
    private readonly headDim: number,
    private readonly theta: number,
    private readonly capacity = 8,
  ) {}

  get(seqLen: number): SequenceTables {
    const hit = this.entries.get(seqLen);
    if (hit) {
      this.entries.delete(seqLen);
      this.entries.set(seqLen, hit);
      return hit;
    }
    // Built outside any caller's tidy scope and kept, so they survive the step that first needed them.
    const tables: SequenceTables = {
      mask: causalMask(seqLen),
      query: rotaryTables(seqLen, this.headDim, this.theta, 1 / Math.sqrt(this.headDim)),
      key: rotaryTables(seqLen, this.headDim, this.theta),
    };
    for (const t of allTensors(tables)) tf.keep(t);
    this.entries.set(seqLen, tables);
    if (this.entries.size > this.capacity) {
      const [oldest] = this.entries.keys();
      if (oldest !== undefined) this.evict(oldest);
    }
    return tables;
  }

  dispose(): void {
    for (const seqLen of [...this.entries.keys()]) this.evict(seqLen);
  }

  private evict(seqLen: number): void {
    const tables = this.entries.get(seqLen);
    this.entries.delete(seqLen);
    if (tables) for (const t of allTensors(tables)) t.dispose();
  }
}

function allTensors(tables: SequenceTables): tf.Tensor[] {
  return [
    tables.mask,
    tables.query.cos,
    tables.query.sinSigned,
    tables.key.cos,
    tables.key.sinSigned,
  ];
}
