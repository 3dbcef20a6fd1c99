// The Communicator of @relora/core over the threads of one process: shared memory and Atomics, no messages.
import type { Communicator } from '@relora/core';

/** The shared memory of one group of threads; every member gets the same, each with its rank. */
export interface ThreadGroup {
  size: number;
  /** Int32 words: arrivals, generation, abort flag. */
  control: SharedArrayBuffer;
  /** `size` slots of `capacity` floats each, back to back. */
  slots: SharedArrayBuffer;
  capacity: number;
}

/** Thrown in a collective of a group one of whose threads failed (that thread reports why). */
export class ThreadGroupAborted extends Error {
  constructor() {
    super('data-parallel: another thread of the group failed');
    this.name = 'ThreadGroupAborted';
  }
}

const ARRIVED = 0;
const GENERATION = 1;
const ABORTED = 2;

/** A new group's shared memory for `size` threads and arrays of up to `capacity` floats. */
export function createThreadGroup(size: number, capacity: number): ThreadGroup {
  return {
    size,
    control: new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT),
    slots: new SharedArrayBuffer(size * capacity * Float32Array.BYTES_PER_ELEMENT),
    capacity,
  };
}

// Atomics.waitAsync is in Node 20 (V8 11); TypeScript's ES2022 lib does not declare it.
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * One thread's view of a {@link ThreadGroup}: the threads of a data-parallel process meet here to
 * sum their gradients. A sum adds the members' arrays in rank order (((v0 + v1) + v2) ...,
 * float32), each thread adding one stripe of the elements, so the bits do not depend on timing.
 * Waiting uses `Atomics.waitAsync`: a waiting thread's event loop keeps running. When a member
 * fails it calls {@link abort}, and every member waiting in, or later entering, a collective throws
 * instead of waiting for it forever.
 */
export class ThreadsCommunicator implements Communicator {
  readonly size: number;
  private readonly control: Int32Array;

  constructor(
    private readonly group: ThreadGroup,
    readonly rank: number,
  ) {
    if (!Number.isInteger(rank) || rank < 0 || rank >= group.size)
      throw new Error(`data-parallel: thread rank must be in [0, ${group.size}), got ${rank}`);
    this.size = group.size;
    this.control = new Int32Array(group.control);
  }

  /** Threads share a machine: the local rank is the rank. */
  get localRank(): number {
    return this.rank;
  }

  async allReduceSum(values: Float32Array): Promise<Float32Array> {
    const n = this.checkLength(values);
    if (!this.isSlot(values, this.rank)) this.slot(this.rank, n).set(values);
    await this.barrier();
    // Each thread sums its own stripe of every slot into slot 0: disjoint writes, no lock.
    const stripe = Math.ceil(n / this.size);
    const lo = Math.min(n, this.rank * stripe);
    const hi = Math.min(n, lo + stripe);
    const out = this.slot(0, n).subarray(lo, hi);
    for (let r = 1; r < this.size; r++) {
      const theirs = this.slot(r, n).subarray(lo, hi);
      for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (theirs[i] as number);
    }
    await this.barrier();
    if (!this.isSlot(values, 0)) values.set(this.slot(0, n));
    // Nobody writes a slot again until everyone has read the sum.
    await this.barrier();
    return values;
  }

  async broadcast(values: Float32Array, root: number): Promise<Float32Array> {
    const n = this.checkLength(values);
    if (this.rank === root && !this.isSlot(values, 0)) this.slot(0, n).set(values);
    await this.barrier();
    if (this.rank !== root && !this.isSlot(values, 0)) values.set(this.slot(0, n));
    await this.barrier();
    return values;
  }

  async barrier(): Promise<void> {
    const c = this.control;
    this.throwIfAborted();
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.add(c, ARRIVED, 1) === this.size - 1) {
      Atomics.store(c, ARRIVED, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
      return;
    }
    while (Atomics.load(c, GENERATION) === generation) {
      this.throwIfAborted();
      const wait = waitAsync(c, GENERATION, generation);
      if (wait.async) await wait.value;
    }
    this.throwIfAborted();
  }

  /** Makes every member's current and next collective throw (a member failed). */
  abort(): void {
    Atomics.store(this.control, ABORTED, 1);
    // Wake the waiters: they see the flag.
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
  }

  /** Clears a previous abort and arrivals; only while no member is in a collective. */
  reset(): void {
    Atomics.store(this.control, ABORTED, 0);
    Atomics.store(this.control, ARRIVED, 0);
  }

  /** The float32 view of rank `r`'s slot, its first `n` floats. */
  slot(r: number, n: number): Float32Array {
    return new Float32Array(
      this.group.slots,
      r * this.group.capacity * Float32Array.BYTES_PER_ELEMENT,
      n,
    );
  }

  /** Whether `values` is rank `r`'s slot itself (a collective then skips copying it). */
  private isSlot(values: Float32Array, r: number): boolean {
    return (
      values.buffer === this.group.slots &&
      values.byteOffset === r * this.group.capacity * Float32Array.BYTES_PER_ELEMENT
    );
  }

  private checkLength(values: Float32Array): number {
    if (values.length > this.group.capacity)
      throw new Error(
        `data-parallel: ${values.length} floats exceed the thread group's ${this.group.capacity}`,
      );
    return values.length;
  }

  private throwIfAborted(): void {
    if (Atomics.load(this.control, ABORTED) !== 0) throw new ThreadGroupAborted();
  }
}
