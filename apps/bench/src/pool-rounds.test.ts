// Pooling rounds: timings from every round's samples, memory from the first.
import { describe, expect, it } from 'vitest';
import { poolRounds } from './pool-rounds';
import { summarize } from './stats';
import { tinyCeiling, tinyMeasurement, tinyWorkersMeasurement } from './tiny-results.test-support';

describe('poolRounds', () => {
  it('re-summarises the samples of all rounds and keeps the first round memory', () => {
    const a = tinyMeasurement();
    const b = tinyMeasurement();
    b.timing.stepMs = summarize([20, 21]);
    b.memory.peakBytes += 8;
    b.memory.maxRssBytes = 2e8;
    const pooled = poolRounds([a, b]);
    expect(pooled.timing.stepMs).toEqual(summarize([10, 12, 11, 30, 20, 21]));
    expect(pooled.timing.mergeMs?.n).toBe(6);
    expect(pooled.matmul.squareGflops.n).toBe(6);
    expect(pooled.memory.peakBytes).toBe(a.memory.peakBytes);
    expect(pooled.memory.maxRssBytes).toBe(2e8);
  });

  it('keeps every round ceilings in order and no forward time for workers cases', () => {
    const a = tinyWorkersMeasurement();
    const b = tinyWorkersMeasurement();
    b.twoThreadCeiling = [tinyCeiling('before-steps', 1.1, 1)];
    const pooled = poolRounds([a, b]);
    expect(pooled.twoThreadCeiling?.map((k) => k.latency.scaling)).toEqual([1.98, 1.5, 1.1]);
    expect(pooled.timing.forwardMs).toBeNull();
    expect(pooled.timing.stepMs.n).toBe(8);
    expect(poolRounds([tinyMeasurement(), tinyMeasurement()]).twoThreadCeiling).toBeNull();
  });

  it('returns a single round as it is and refuses none', () => {
    const a = tinyMeasurement();
    expect(poolRounds([a])).toBe(a);
    expect(() => poolRounds([])).toThrow(/no rounds/);
  });
});
