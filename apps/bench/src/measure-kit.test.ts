// warmUp runs untimed steps until both its step count and its seconds have passed.
import { describe, expect, it } from 'vitest';
import { warmUp } from './measure-kit';

describe('warmUp', () => {
  it('runs exactly warmupSteps steps when warmupSec is 0', async () => {
    let calls = 0;
    const ran = await warmUp({ warmupSteps: 3, warmupSec: 0 }, async () => {
      calls++;
    });
    expect([ran, calls]).toEqual([3, 3]);
  });

  it('goes on past warmupSteps until warmupSec seconds have passed', async () => {
    const start = performance.now();
    const ran = await warmUp({ warmupSteps: 1, warmupSec: 0.1 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(performance.now() - start).toBeGreaterThanOrEqual(100);
    expect(ran).toBeGreaterThan(1);
  });
});
