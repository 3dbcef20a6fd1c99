// Pooling rounds: timings from every round's samples, memory from the first.
import { describe, expect, it } from 'vitest';
import { poolRounds } from './pool-rounds';
import { summarize } from './stats';
import { tinyMeasurement } from './test-fixtures';

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

  it('returns a single round as it is and refuses none', () => {
    const a = tinyMeasurement();
    expect(poolRounds([a])).toBe(a);
    expect(() => poolRounds([])).toThrow(/no rounds/);
  });
});
