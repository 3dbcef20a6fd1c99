import { describe, expect, it } from 'vitest';
import { ReLoRA, type ResetPolicy } from './relora-controller';

function fakeLayer() {
  return {
    merges: 0,
    mergeAndReinit() {
      this.merges++;
    },
  };
}

describe('ReLoRA controller', () => {
  it('merges every layer, then resets the optimizer, on the scheduler cadence', () => {
    const layers = [fakeLayer(), fakeLayer()];
    const calls: string[] = [];
    const seeds: number[] = [];
    const relora = new ReLoRA({
      layers,
      resetOptimizer: (policy: ResetPolicy) => {
        calls.push(`reset after ${layers[0]!.merges} merges`);
        seeds.push(policy.seed!);
        return { zeroed: 99, total: 100 };
      },
      policy: { mode: 'random', ratio: 0.99, seed: 7 },
      scheduler: { reloraEvery: 5 },
    });
    const reports = [];
    for (let step = 0; step < 16; step++) {
      const report = relora.afterStep(step);
      if (report) reports.push(report);
    }
    expect(reports.map((r) => r.step)).toEqual([5, 10, 15]);
    expect(reports[2]).toMatchObject({
      merged: 2,
      restarts: 3,
      optimizerReset: { zeroed: 99, total: 100, fraction: 0.99 },
    });
    expect(layers.map((l) => l.merges)).toEqual([3, 3]);
    expect(calls).toEqual(['reset after 1 merges', 'reset after 2 merges', 'reset after 3 merges']);
    expect(seeds).toEqual([8, 9, 10]);
    expect(relora.restarts).toBe(3);
  });

  it('restarts on demand, listing layers lazily', () => {
    const layer = fakeLayer();
    const relora = new ReLoRA({
      layers: () => [layer],
      resetOptimizer: () => ({ zeroed: 0, total: 0 }),
    });
    expect(relora.restart({ resetOptimizer: false })).toEqual({ merged: 1, restarts: 1 });
    expect(relora.restart({ merge: false }).optimizerReset).toMatchObject({
      fraction: 0,
      policy: { mode: 'magnitude', ratio: 0.99 },
    });
    expect(() => relora.afterStep(1)).toThrow(/no scheduler/);
  });

  it('validates the policy', () => {
    const base = { layers: [], resetOptimizer: () => ({ zeroed: 0, total: 0 }) };
    expect(() => new ReLoRA({ ...base, policy: { mode: 'random' } })).toThrow(
      /policy.ratio must be in \[0, 1\]/,
    );
    expect(() => new ReLoRA({ ...base, policy: { mode: 'magnitude', ratio: 2 } })).toThrow(/ratio/);
    expect(() => new ReLoRA({ ...base, policy: { mode: 'nope' as 'zero' } })).toThrow(
      /policy.mode/,
    );
    expect(() => new ReLoRA({ ...base, policy: { mode: 'zero' } })).not.toThrow();
  });
});
