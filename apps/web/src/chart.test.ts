// The chart's coordinate mapping.
import { describe, expect, it } from 'vitest';
import { scale } from './chart';

describe('scale', () => {
  it('maps a range linearly, also onto a flipped one (canvas y grows downwards)', () => {
    expect(scale(5, 0, 10, 0, 100)).toBe(50);
    expect(scale(0, 0, 10, 300, 20)).toBe(300);
    expect(scale(10, 0, 10, 300, 20)).toBe(20);
  });

  it('maps a degenerate range to its start instead of NaN', () => {
    expect(scale(3, 3, 3, 7, 9)).toBe(7);
  });
});
