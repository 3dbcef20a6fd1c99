import { describe, expect, it } from 'vitest';
import { equalComputePlan } from './equal-compute';
import { demoConfigJson } from './flops.test-support';
import { runFlops, trainingFlops } from './method-flops';
import { parseRunConfig } from './run-config';

function plan(mode: string, method: string | null, extra: object = {}) {
  const run = parseRunConfig(demoConfigJson(mode, method, extra));
  return { run, flops: runFlops(run), plan: equalComputePlan(run, runFlops(run)) };
}

describe('equalComputePlan', () => {
  it('runs nothing again for a method within 2% of full rank', () => {
    for (const m of [null, 'galore', 'sst']) {
      const { plan: p } = plan('full', m);
      expect(p).toMatchObject({ steps: 500, separate: false, args: [] });
      expect(p.flops).toBe(p.budget);
    }
  });

  it("gives CoLA full rank's FLOPs: steps and LR warmup scaled by one factor", () => {
    const { flops, plan: p } = plan('full', 'cola');
    const k = flops.fullRankPerToken / flops.perToken;
    expect(p.separate).toBe(true);
    expect(p.steps).toBe(Math.round(500 * k));
    expect(p.steps).toBe(1089);
    expect(p.args).toEqual([
      '--num-training-steps',
      '1089',
      '--warmup-steps',
      String(Math.round(20 * k)),
      '--save-every',
      '1089',
    ]);
    expect(p.budget).toBe(500 * 512 * flops.fullRankPerToken);
    expect(Math.abs(p.flops / p.budget - 1)).toBeLessThan(1 / 1000);
  });

  it('keeps ReLoRA to whole restart periods: warm start, period and warmups scaled', () => {
    const { flops, plan: p } = plan('relora', null);
    // LoRA r 32 costs 5.3% more than the dense step on the demo model; the warm start does not.
    const k = p.budget / trainingFlops(flops, 500);
    expect(k).toBeCloseTo(0.9618, 4);
    expect(p.args).toEqual([
      '--num-training-steps',
      '480',
      '--warmup-steps',
      '19',
      '--relora',
      '120',
      '--restart-warmup-steps',
      '10',
      '--warm-start-steps',
      '120',
      '--save-every',
      '480',
    ]);
    expect(p.steps).toBe(120 + 3 * 120);
    expect(p.warmStartSteps).toBe(120);
    expect(p.flops).toBe(trainingFlops({ ...flops, warmStartSteps: 120 }, 480));
    expect(Math.abs(p.flops / p.budget - 1)).toBeLessThan(1 / 120);
  });

  it('takes the tolerance as an argument', () => {
    const { run, flops } = plan('lora', null, { warm_start_steps: 0 });
    expect(equalComputePlan(run, flops).separate).toBe(true);
    expect(equalComputePlan(run, flops, 0.06).separate).toBe(false);
  });
});
