import { initBackend } from '@relora/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropoutMultiplier } from './dropout-mask';

function values(
  rate: number,
  seed: number | string | undefined,
  scale = 1,
  shape: [number, number] = [256, 384],
) {
  const t = dropoutMultiplier(shape, rate, seed, scale);
  const data = t.dataSync().slice();
  t.dispose();
  return data;
}

describe('dropoutMultiplier', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('keeps 1 - rate of the elements, each as scale / (1 - rate), the rest 0', () => {
    for (const rate of [0.1, 0.3, 0.5, 0.9]) {
      const data = values(rate, `layer:dropout:${rate}`, 0.25);
      const kept = Math.fround(0.25 / (1 - rate));
      let count = 0;
      for (const v of data) {
        if (v !== 0) {
          expect(v).toBe(kept);
          count++;
        }
      }
      // Binomial standard deviation over 98304 draws is <= 0.0016: allow 4 of them.
      expect(Math.abs(count / data.length - (1 - rate))).toBeLessThan(0.0064);
    }
    expect(values(0, 'x').every((v) => v === 1)).toBe(true);
  });

  it('gives the same mask for the same seed on every backend, different ones otherwise', async () => {
    const a = values(0.1, 'q:dropout:7');
    expect(values(0.1, 'q:dropout:7')).toEqual(a);
    await initBackend({ prefer: 'wasm' });
    expect(values(0.1, 'q:dropout:7')).toEqual(a);
    await initBackend({ prefer: 'cpu' });
    for (const other of [
      values(0.1, 'q:dropout:8'),
      values(0.1, 'k:dropout:7'),
      values(0.1, undefined),
    ]) {
      let same = 0;
      for (let i = 0; i < a.length; i++) if ((a[i] !== 0) === (other[i] !== 0)) same++;
      // Independent masks agree on 0.9² + 0.1² = 82% of the elements.
      expect(same / a.length).toBeGreaterThan(0.8);
      expect(same / a.length).toBeLessThan(0.84);
    }
  });

  it('draws neighbours and rows independently (no stripes a sequence could line up with)', () => {
    const shape: [number, number] = [512, 128];
    const data = values(0.5, 'stripes', 1, shape);
    const bit = (i: number) => (data[i] !== 0 ? 1 : -1);
    const correlation = (lag: number) => {
      let sum = 0;
      for (let i = 0; i + lag < data.length; i++) sum += bit(i) * bit(i + lag);
      return sum / (data.length - lag);
    };
    // For independent ±1 draws the lag correlation has standard deviation 1/sqrt(65536) ≈ 0.004.
    for (const lag of [1, 2, 3, 4, 8, 16, 32, 128, 256])
      expect(Math.abs(correlation(lag))).toBeLessThan(0.02);
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => dropoutMultiplier([2, 2], 1, 's')).toThrow(/rate must be in \[0, 1\), got 1/);
    expect(() => dropoutMultiplier([2, 2], -0.1, 's')).toThrow(/rate must be in \[0, 1\)/);
  });
});
