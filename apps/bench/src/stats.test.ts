// Median and spread of samples.
import { describe, expect, it } from 'vitest';
import { mapSummary, summarize } from './stats';

describe('summarize', () => {
  it('gives median, quartiles and range', () => {
    expect(summarize([5, 1, 3, 2, 4])).toEqual({
      n: 5,
      median: 3,
      q1: 2,
      q3: 4,
      min: 1,
      max: 5,
      samples: [5, 1, 3, 2, 4],
    });
    expect(summarize([1, 2, 3, 4]).median).toBe(2.5);
  });

  it('refuses no samples', () => {
    expect(() => summarize([])).toThrow(/no samples/);
  });

  it('maps through a decreasing function keeping q1 <= q3', () => {
    const s = mapSummary(summarize([1, 2, 4]), (ms) => 1000 / ms);
    expect(s).toMatchObject({
      n: 3,
      median: 500,
      q1: 1000 / 3,
      q3: 1000 / 1.5,
      min: 250,
      max: 1000,
    });
    expect(s.samples).toEqual([1000, 500, 250]);
  });
});
