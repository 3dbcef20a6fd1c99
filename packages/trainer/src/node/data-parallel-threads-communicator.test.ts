// ThreadsCommunicator: members in one thread (Atomics.waitAsync lets them wait concurrently) sum in rank order, broadcast, abort.
import { describe, expect, it } from 'vitest';
import {
  createThreadGroup,
  ThreadGroupAborted,
  ThreadsCommunicator,
} from './data-parallel-threads-communicator';

function members(size: number, capacity: number): ThreadsCommunicator[] {
  const group = createThreadGroup(size, capacity);
  return Array.from({ length: size }, (_, r) => new ThreadsCommunicator(group, r));
}

describe('ThreadsCommunicator', () => {
  it('sums in rank order, in float32, into every member, twice in a row', async () => {
    const comms = members(3, 8);
    const inputs = comms.map((c) => Float32Array.from([1e8, 0.1 * (c.rank + 1), c.rank, 1, 2]));
    // ((1e8 + 1e8) + 1e8) and ((0.1 + 0.2) + 0.3), each add rounded to float32.
    const expected = Float32Array.from([0, 0, 0, 0, 0]);
    for (const x of inputs) for (let i = 0; i < x.length; i++) expected[i] = expected[i]! + x[i]!;
    for (let round = 0; round < 2; round++) {
      const outs = inputs.map((x) => x.slice());
      await Promise.all(comms.map((c, r) => c.allReduceSum(outs[r]!)));
      for (const out of outs) expect(Array.from(out)).toEqual(Array.from(expected));
    }
  });

  it("broadcasts the root's values and meets at a barrier", async () => {
    const comms = members(2, 4);
    const outs = comms.map((c) => Float32Array.from([c.rank, c.rank + 5]));
    await Promise.all(comms.map((c, r) => c.broadcast(outs[r]!, 1)));
    expect(outs.map((o) => Array.from(o))).toEqual([
      [1, 6],
      [1, 6],
    ]);
    await Promise.all(comms.map((c) => c.barrier()));
  });

  it("stops the others' collective when one member aborts, until reset", async () => {
    const [a, b] = members(2, 4) as [ThreadsCommunicator, ThreadsCommunicator];
    const waiting = a.allReduceSum(new Float32Array(2));
    b.abort();
    await expect(waiting).rejects.toBeInstanceOf(ThreadGroupAborted);
    a.reset();
    await Promise.all([a.barrier(), b.barrier()]);
  });

  it('refuses arrays longer than the group holds', async () => {
    const [a] = members(2, 2) as [ThreadsCommunicator];
    await expect(a.allReduceSum(new Float32Array(3))).rejects.toThrow(/3 floats exceed/);
  });
});
