import { describe, expect, it } from 'vitest';
import { cosineRestarts } from './cosine-restarts';

// Reference values: the formula of get_cosine_schedule_with_multiple_warmups evaluated in Python
// (float64) for N=1000, w0=50, wr=20, R=250, m=0.1.
const base = {
  numTrainingSteps: 1000,
  firstWarmupSteps: 50,
  restartWarmupSteps: 20,
  restartEvery: 250,
};
const REFERENCE: Array<[number, number]> = [
  [0, 0],
  [25, 0.5],
  [50, 1],
  [249, 0.9060253097956098],
  [250, 0],
  [260, 0.44303483232143465],
  [270, 0.8860696646428693],
  [500, 0],
  [999, 0.10000246056395179],
];

describe('cosineRestarts', () => {
  const lr = cosineRestarts(base);

  it.each(REFERENCE)('matches the reference at step %i', (step, expected) => {
    expect(lr(step)).toBeCloseTo(expected, 12);
  });

  it('ends the first warmup at 1 and then decays', () => {
    expect(lr(49)).toBeCloseTo(49 / 50, 12);
    expect(lr(50)).toBe(1);
    expect(lr(51)).toBeLessThan(1);
  });

  it('falls to zero at each restart and re-warms to the global cosine', () => {
    for (const restart of [250, 500, 750]) {
      expect(lr(restart)).toBe(0);
      expect(lr(restart - 1)).toBeGreaterThan(0.1);
      for (let j = 1; j < 20; j++) expect(lr(restart + j)).toBeGreaterThan(lr(restart + j - 1));
      // the warmup ends where the cosine would be without the restart
      const withoutRestart = cosineRestarts({ ...base, restartWarmupSteps: 0 });
      expect(lr(restart + 20)).toBeCloseTo(withoutRestart(restart + 20), 12);
    }
  });

  it('keeps the floor at minLrRatio', () => {
    const low = cosineRestarts({ ...base, minLrRatio: 0.25 });
    expect(low(999)).toBeCloseTo(0.25, 4);
    // without restart warmups the cosine reaches the floor exactly at numTrainingSteps
    expect(cosineRestarts({ ...base, minLrRatio: 0.25, restartWarmupSteps: 0 })(1000)).toBeCloseTo(
      0.25,
      12,
    );
    for (let t = 50; t < 1000; t++) {
      if (t % 250 >= 20) expect(low(t)).toBeGreaterThanOrEqual(0.25);
    }
  });

  it('shifts restarts by adjustStep', () => {
    const shifted = cosineRestarts({ ...base, adjustStep: 30 });
    expect(shifted(220)).toBeCloseTo(0.9051132292283771, 12); // before the first period: no restart
    expect(shifted(470)).toBe(0);
    expect(shifted(480)).toBeCloseTo(0.2787201375724307, 12);
    expect(shifted(720)).toBe(0);
  });

  it.each([
    [{ restartEvery: 300 }, /divisible by restartEvery/],
    [{ restartEvery: 0 }, /restartEvery must be an integer >= 1/],
    [{ restartEvery: undefined }, /restartEvery must be specified/],
    [{ restartWarmupSteps: undefined }, /restartWarmupSteps must be specified/],
    [{ minLrRatio: 0 }, /minLrRatio must be in \(0, 1\]/],
    [{ minLrRatio: 1.5 }, /minLrRatio must be in \(0, 1\]/],
    [{ adjustStep: 210 }, /first restart would come before the warmup/],
    [{ firstWarmupSteps: 300, restartEvery: 1000 }, /no error/],
    [
      { numTrainingSteps: 250, firstWarmupSteps: 200, adjustStep: 60 },
      /more than numTrainingSteps/,
    ],
    [{ firstWarmupSteps: -1 }, /firstWarmupSteps must be an integer >= 0/],
    [{ numTrainingSteps: 10.5 }, /numTrainingSteps must be an integer/],
  ])('validates %o', (patch, message) => {
    const build = () => cosineRestarts({ ...base, ...patch } as typeof base);
    if (message.source === 'no error') expect(build).not.toThrow();
    else expect(build).toThrow(message);
  });

  it('rejects negative or fractional steps', () => {
    expect(() => lr(-1)).toThrow(/step must be an integer >= 0/);
    expect(() => lr(1.5)).toThrow(/step must be an integer >= 0/);
  });
});
