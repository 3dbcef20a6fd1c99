// warmUp runs its untimed steps, then more until the steady-state count or its seconds run out.
import { describe, expect, it } from 'vitest';
import { warmUp } from './measure-kit';
import { STEADY_STATE_WARMUP_STEPS } from './options';

const instant = async () => {};

describe('warmUp', () => {
  it('runs exactly warmupSteps steps when warmupSec is 0', async () => {
    expect(await warmUp({ warmupSteps: 3, warmupSec: 0 }, instant)).toBe(3);
    expect(await warmUp({ warmupSteps: 50, warmupSec: 0 }, instant)).toBe(50);
  });

  it('stops fast steps at the steady-state count, however many seconds are allowed', async () => {
    const ran = await warmUp({ warmupSteps: 2, warmupSec: 60 }, instant);
    expect(ran).toBe(STEADY_STATE_WARMUP_STEPS);
  });

  it('stops slow steps when warmupSec seconds have passed', async () => {
    const start = performance.now();
    const ran = await warmUp({ warmupSteps: 1, warmupSec: 0.1 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(performance.now() - start).toBeGreaterThanOrEqual(100);
    expect(ran).toBeGreaterThan(1);
    expect(ran).toBeLessThan(STEADY_STATE_WARMUP_STEPS);
  });
});
