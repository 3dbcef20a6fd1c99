// A workers case's Trainer options: w micro-batches per step, LoRA from step 0, no restart in reach.
import { resolveTrainerOptions } from '@relora/trainer';
import { describe, expect, it } from 'vitest';
import type { CaseSpec } from './case-schema';
import { workersTrainerOptions } from './run-workers-case';

const spec = (mode: CaseSpec['case']['mode'], rank: number | null): CaseSpec => ({
  case: { id: 'x', preset: 'tiny', mode, rank, threads: null, workers: 2 },
  config: {
    vocabSize: 258,
    hiddenSize: 64,
    intermediateSize: 176,
    numLayers: 2,
    numHeads: 2,
    maxSeqLen: 64,
    rmsNormEps: 1e-6,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
    initializerRange: 0.02,
  },
  backend: 'cpu',
  verbose: false,
  batchSize: 8,
  seqLen: 64,
  warmupSteps: 2,
  warmupSec: 0,
  steps: 10,
  restartRepeats: 5,
  loraAlpha: 32,
  loraDropout: 0.1,
  resetMode: 'magnitude',
  resetRatio: 0.99,
  seed: 0,
});

describe('workersTrainerOptions', () => {
  it('accumulates one micro-batch per worker, clips to 1 and is a valid Trainer config', () => {
    const o = resolveTrainerOptions(workersTrainerOptions(spec('full', null)));
    expect(o).toMatchObject({ mode: 'full', batchSize: 8, totalBatchSize: 16, maxLength: 64 });
    expect(o).toMatchObject({ clipGradNorm: 1, relora: null, evalEvery: 0, saveEvery: 0 });
  });

  it('runs lora and relora as relora from step 0, with the first restart out of reach', () => {
    for (const mode of ['lora', 'relora'] as const) {
      const o = resolveTrainerOptions(workersTrainerOptions(spec(mode, 16)));
      expect(o).toMatchObject({ mode: 'relora', warmStartSteps: 0, loraR: 16, loraAlpha: 32 });
      expect(o.relora).toBeGreaterThanOrEqual(1_000_000);
      expect(o.cycleLength).toBeGreaterThanOrEqual(1_000_000);
    }
  });
});
