import { TRAINER_DEFAULTS } from '@relora/trainer';
import { describe, expect, it } from 'vitest';
import { knownDivergence } from './known-divergence';

const demo = 0.87e6;
const magnitude = (ratio: number, mask: 'joint' | 'independent') => ({
  ...TRAINER_DEFAULTS,
  resetOptimizerOnRelora: false,
  optimizerMagnitudePruning: ratio,
  optimizerPruningMask: mask,
});

describe('knownDivergence', () => {
  it('warns in one line for independent magnitude pruning at 0.99 on a small model', () => {
    const line = knownDivergence(magnitude(0.99, 'independent'), demo);
    expect(line).toMatch(
      /^warning: --optimizer-magnitude-pruning 0.99 .*independent.*\(this model: 0.87M\).*joint/,
    );
    expect(line).not.toContain('\n');
  });

  it('warns for independent random pruning at 0.99 only without a restart LR warmup', () => {
    const random = {
      ...TRAINER_DEFAULTS,
      resetOptimizerOnRelora: false,
      optimizerRandomPruning: 0.99,
      optimizerPruningMask: 'independent' as const,
    };
    expect(knownDivergence(random, demo)).toBeUndefined();
    expect(knownDivergence({ ...random, restartWarmupSteps: 0 }, demo)).toMatch(
      /^warning: --optimizer-random-pruning 0.99 without a restart LR warmup/,
    );
  });

  it('is silent for joint masks, lower ratios, large models, other resets and modes', () => {
    expect(knownDivergence(magnitude(0.99, 'joint'), demo)).toBeUndefined();
    expect(knownDivergence(magnitude(0.9, 'independent'), demo)).toBeUndefined();
    expect(knownDivergence(magnitude(0.99, 'independent'), 130e6)).toBeUndefined();
    expect(
      knownDivergence({ ...TRAINER_DEFAULTS, optimizerPruningMask: 'independent' }, demo),
    ).toBeUndefined();
    expect(
      knownDivergence({ ...magnitude(0.99, 'independent'), mode: 'lora' }, demo),
    ).toBeUndefined();
  });
});
