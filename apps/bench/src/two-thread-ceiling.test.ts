// The two-thread ceiling: loops run on worker threads, alone and in pairs, and their ratio.
import { describe, expect, it } from 'vitest';
import { CEILING_LOOPS, loopScaling, measureTwoThreadCeiling } from './two-thread-ceiling';

describe('loopScaling', () => {
  it('times a loop alone and two copies at once, scaling = 2 x alone / slower copy', async () => {
    const s = await loopScaling(CEILING_LOOPS.latency, 1e5);
    expect(s.aloneMs).toBeGreaterThan(0);
    expect(s.pairMs).toHaveLength(2);
    expect(s.scaling).toBeCloseTo((2 * s.aloneMs) / Math.max(...s.pairMs), 12);
  });

  it('rejects when the loop throws', async () => {
    await expect(loopScaling('throw new Error("boom");', 1)).rejects.toThrow(/boom/);
  });
});

describe('measureTwoThreadCeiling', () => {
  it('measures both loops (scaled down here)', async () => {
    const ceiling = await measureTwoThreadCeiling(1e-3);
    expect(Object.keys(ceiling)).toEqual(['latency', 'fpThroughput']);
    expect(ceiling.fpThroughput.scaling).toBeGreaterThan(0);
  });
});
