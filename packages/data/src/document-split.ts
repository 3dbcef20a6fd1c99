// Train/validation split by whole documents, seeded, as runs of the token stream.
import { uniformAt } from '@relora/core';
import type { TokenStore } from './token-store';

/** The tokens of one split: contiguous runs of the store's stream, read as if laid end to end. */
export class TokenRuns {
  /** Tokens in this split. */
  readonly length: number;

  /**
   * @param starts start of each run in the store's stream.
   * @param offsets offset of each run within the split, plus the split's length at the end.
   */
  constructor(
    private readonly store: TokenStore,
    private readonly starts: Float64Array,
    private readonly offsets: Float64Array,
    readonly numDocuments: number,
  ) {
    this.length = offsets[offsets.length - 1] ?? 0;
  }

  /** Copies split tokens `[offset, offset + length)` into `out` at `outOffset`. */
  read(offset: number, length: number, out: Int32Array, outOffset: number): void {
    let run = this.runAt(offset);
    let done = 0;
    while (done < length) {
      const runOffset = offset + done - (this.offsets[run] as number);
      const take = Math.min(length - done, (this.offsets[run + 1] as number) - offset - done);
      this.store.read((this.starts[run] as number) + runOffset, take, out, outOffset + done);
      done += take;
      run++;
    }
  }

  /** Index of the run holding split offset `offset` (binary search). */
  private runAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.offsets[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Options of {@link splitDocuments}. */
export interface SplitOptions {
  /** Fraction of documents held out for validation, in [0, 1). Default 0.05. */
  validationFraction: number;
  /** Seed of the split: the same seed holds out the same documents. */
  seed: number;
}

/**
 * Assigns each document to validation with probability `validationFraction` (a seeded draw per
 * document index, so the split does not depend on anything else); when that picks none but the
 * fraction is positive, the document with the smallest draw goes to validation.
 */
export function splitDocuments(
  store: TokenStore,
  options: SplitOptions,
): { train: TokenRuns; validation: TokenRuns } {
  const { validationFraction: fraction, seed } = options;
  if (!(fraction >= 0 && fraction < 1)) {
    throw new Error(`validationFraction must be in [0, 1), got ${fraction}`);
  }
  let anyValidation = false;
  let smallest = -1;
  let smallestDraw = 2;
  let d = 0;
  for (const _ of store.documentRanges()) {
    const u = uniformAt(seed, d);
    if (u < fraction) anyValidation = true;
    if (u < smallestDraw) [smallest, smallestDraw] = [d, u];
    d++;
  }
  const forced = !anyValidation && fraction > 0 && d > 1 ? smallest : -1;
  const train = new RunBuilder();
  const validation = new RunBuilder();
  d = 0;
  for (const [start, end] of store.documentRanges()) {
    const held = d === forced || uniformAt(seed, d) < fraction;
    (held ? validation : train).add(start, end);
    d++;
  }
  return { train: train.finish(store), validation: validation.finish(store) };
}

/** Collects document ranges, merging neighbours into one run. */
class RunBuilder {
  private starts: number[] = [];
  private offsets: number[] = [0];
  private lastEnd = -1;
  private documents = 0;

  add(start: number, end: number): void {
    this.documents++;
    const length = end - start;
    const total = this.offsets[this.offsets.length - 1] as number;
    if (start === this.lastEnd) this.offsets[this.offsets.length - 1] = total + length;
    else {
      this.starts.push(start);
      this.offsets.push(total + length);
    }
    this.lastEnd = end;
  }

  finish(store: TokenStore): TokenRuns {
    return new TokenRuns(
      store,
      Float64Array.from(this.starts),
      Float64Array.from(this.offsets),
      this.documents,
    );
  }
}
