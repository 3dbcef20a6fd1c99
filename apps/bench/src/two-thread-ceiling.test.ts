// The two-thread ceiling: loops run on worker threads, alone and in pairs, and their ratio.
import { describe, expect, it } from 'vitest';
import {
  CEILING_ITERATIONS,
  CEILING_LOOPS,
  loopScaling,
  measureTwoThreadCeiling,
} from './two-thread-ceiling';

// A loop that sleeps n ms: its time is known and two copies do not compete for a core, so a
// correct scaling is 2 (two copies in the time of one) whatever the machine's load.
const SLEEP = 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, n); return n;';

describe('loopScaling', () => {
  it('runs the loop with n on workers, alone then two at once: a sleep of n ms scales by 2', async () => {
    const s = await loopScaling(SLEEP, 150);
    expect(s.aloneMs).toBeGreaterThanOrEqual(149);
    expect(s.pairMs).toHaveLength(2);
    for (const ms of s.pairMs) expect(ms).toBeGreaterThanOrEqual(149);
    // Timer slack can only lengthen a copy; scaling falls below 2 by that slack alone.
    expect(s.scaling).toBeGreaterThan(1.5);
    expect(s.scaling).toBeLessThan(2.1);
  });

  it('rejects when the loop throws', async () => {
    await expect(loopScaling('throw new Error("boom");', 1)).rejects.toThrow(/boom/);
  });
});

describe('measureTwoThreadCeiling', () => {
  it('measures the latency loop, then the FP loop, each with its scaled iteration count', async () => {
    const ceiling = await measureTwoThreadCeiling(0.5, {
      latency: { body: SLEEP, iterations: 200 },
      fpThroughput: { body: SLEEP, iterations: 400 },
    });
    expect(Object.keys(ceiling)).toEqual(['latency', 'fpThroughput']);
    expect(ceiling.latency.aloneMs).toBeGreaterThanOrEqual(99);
    expect(ceiling.latency.aloneMs).toBeLessThan(199);
    expect(ceiling.fpThroughput.aloneMs).toBeGreaterThanOrEqual(199);
    for (const loop of Object.values(ceiling)) expect(loop.scaling).toBeGreaterThan(1.5);
  });

  it('ships loops that run and return a finite number', () => {
    for (const name of ['latency', 'fpThroughput'] as const) {
      const loop = new Function('n', CEILING_LOOPS[name]) as (n: number) => number;
      expect(Number.isFinite(loop(1000))).toBe(true);
      expect(CEILING_ITERATIONS[name]).toBeGreaterThan(1e6);
    }
  });
});
