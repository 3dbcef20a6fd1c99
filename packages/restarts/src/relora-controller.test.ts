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
  it('merges every layer, then resets the optimizer, on the scheduler cadence', async () => {
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
      const report = await relora.afterStep(step);
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

  it('restarts on demand, listing layers lazily', async () => {
    const layer = fakeLayer();
    const relora = new ReLoRA({
      layers: () => [layer],
      resetOptimizer: () => ({ zeroed: 0, total: 0 }),
    });
    expect(await relora.restart({ resetOptimizer: false })).toEqual({ merged: 1, restarts: 1 });
    expect((await relora.restart({ merge: false })).optimizerReset).toMatchObject({
      fraction: 0,
      policy: { mode: 'magnitude', ratio: 0.99 },
    });
    await expect(relora.afterStep(1)).rejects.toThrow(/no scheduler/);
  });

  it('waits for a reset callback that returns a promise, merging first', async () => {
    const layer = fakeLayer();
    const order: string[] = [];
    const relora = new ReLoRA({
      layers: [layer],
      resetOptimizer: async () => {
        order.push(`reset began after ${layer.merges} merge`);
        await new Promise((resolve) => setTimeout(resolve, 1));
        order.push('reset done');
        return { zeroed: 3, total: 4 };
      },
      scheduler: { reloraEvery: 2 },
    });
    const report = relora.afterStep(2);
    order.push('afterStep returned');
    expect(await report).toMatchObject({ step: 2, merged: 1, optimizerReset: { fraction: 0.75 } });
    expect(order).toEqual(['reset began after 1 merge', 'afterStep returned', 'reset done']);
    expect(relora.scheduler?.restarts).toBe(1);
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
