// The readable summary of the page's progress.
import { describe, expect, it } from 'vitest';
import { type Progress, summaryRows } from './progress';

const READY: Progress = {
  status: 'ready',
  backend: 'wasm',
  skipped: [{ name: 'webgl', reason: 'software renderer' }],
  documents: 40,
  steps: 300,
  step: 0,
  losses: [],
  restarts: [],
};

function values(state: Progress): Record<string, string> {
  return Object.fromEntries(summaryRows(state).map((row) => [row.key, row.value]));
}

describe('summaryRows', () => {
  it('shows dashes, not NaN or undefined, before the first step', () => {
    expect(values(READY)).toEqual({
      step: '0 / 300',
      loss: '–',
      perplexity: '–',
      'tokens-per-second': '–',
      restarts: '0',
      lr: '–',
      phase: '–',
      backend: 'wasm (skipped webgl)',
    });
  });

  it('reads the last step: loss, its perplexity, throughput, LR, restarts and phase', () => {
    const state: Progress = {
      ...READY,
      status: 'training',
      step: 140,
      losses: [5.5, Math.LN10],
      lr: 0.00188,
      tokensPerSecond: 12345,
      restarts: [100, 140],
      phaseAt: 60,
    };
    expect(values(state)).toMatchObject({
      step: '140 / 300',
      loss: '2.303',
      perplexity: '10.00',
      'tokens-per-second': '12,345',
      restarts: '2 (after steps 100, 140)',
      lr: '1.88e-3',
      phase: 'ReLoRA since step 60',
    });
    expect(values({ ...state, phaseAt: undefined }).phase).toBe('full-rank warm start');
  });
});
