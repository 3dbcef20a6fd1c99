// Self-checks and derived figures on a hand-made measurement.
import { describe, expect, it } from 'vitest';
import { countBytes, countParameters } from './analytical';
import { checkCase } from './checks';
import { deriveFigures } from './derive';
import { TINY, tinyMeasurement, tinyWorkersMeasurement } from './tiny-results.test-support';

const params = countParameters(TINY, 'relora', { rank: 2 });
const analytical = { params, bytes: countBytes(params), bufferBytes: 0 };
const tolerance = { relative: 0.01, bytes: 100 };
const inputs = { batchSize: 2, workers: 1, seqLen: 3, flopsPerToken: 1000, reloraEvery: 10 };

describe('checkCase', () => {
  it('passes a measurement that matches the analytical count', () => {
    const checks = checkCase('t', analytical, tinyMeasurement(), tolerance);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'params.total',
      'params.trainable',
      'params.frozen',
      'params.lora',
      'resident-bytes',
      'peak-holds-gradients',
      'no-leak',
      'reset-zeroed',
    ]);
  });

  it('flags resident bytes outside the tolerance, and only those', () => {
    const m = tinyMeasurement();
    const expected = analytical.bytes.weights + analytical.bytes.optimizer;
    m.memory.residentBytes = expected + 152; // allowed: 1% of 5264 B + 100 B = 152.64 B
    expect(checkCase('t', analytical, m, tolerance).every((c) => c.ok)).toBe(true);
    m.memory.residentBytes += 1;
    const failed = checkCase('t', analytical, m, tolerance).filter((c) => !c.ok);
    expect(failed.map((c) => c.name)).toEqual(['resident-bytes']);
    expect(failed[0]?.message).toMatch(/gap 153 B, allowed ±152 B/);
  });

  it('flags a parameter mismatch, a leak, a gradient-less peak and a reset that zeroed nothing', () => {
    const m = tinyMeasurement();
    m.params.trainable += 1;
    m.memory.numTensorsAfterSteps += 3;
    m.memory.activationBytes = 10;
    m.reset = { zeroed: 0, total: 496 };
    const failed = checkCase('t', analytical, m, tolerance).filter((c) => !c.ok);
    expect(failed.map((c) => c.name)).toEqual([
      'params.trainable',
      'peak-holds-gradients',
      'no-leak',
      'reset-zeroed',
    ]);
  });
});

describe('deriveFigures', () => {
  it('turns step times into tokens/s, FLOP/s and the share of the matmul ceiling', () => {
    const m = tinyMeasurement(); // median step 11.5 ms, ceiling max(1, 2) GFLOP/s
    const d = deriveFigures(m, inputs);
    expect(d.tokensPerStep).toBe(6);
    expect(d.tokensPerSec.median).toBeCloseTo(6000 / 11.5, 9);
    expect(d.tokensPerSec.max).toBeCloseTo(600, 9); // from the fastest step, 10 ms
    expect(d.achievedFlops).toBeCloseTo((1000 * 6000) / 11.5, 6);
    expect(d.matmulFlops).toBeCloseTo(2e9, 3);
    expect(d.fractionOfMatmul).toBeCloseTo(d.achievedFlops / 2e9, 12);
    expect(d.amortizedStepMs).toBeCloseTo(11.5 + 1.5 / 10, 9); // merge 1 + reset 0.5 per 10 steps
  });

  it('counts every thread micro-batch with workers, and gives no backward estimate', () => {
    const d = deriveFigures(tinyWorkersMeasurement(), { ...inputs, workers: 2 });
    expect(d.tokensPerStep).toBe(12);
    expect(d.tokensPerSec.median).toBeCloseTo(12000 / 11.5, 9);
    expect(d.backwardMs).toBeNull();
    expect(d.amortizedStepMs).toBeNull();
  });

  it('has no amortised figures without restarts', () => {
    const m = tinyMeasurement();
    m.timing.mergeMs = null;
    m.timing.resetMs = null;
    const d = deriveFigures(m, inputs);
    expect(d.amortizedStepMs).toBeNull();
    expect(d.amortizedTokensPerSec).toBeNull();
  });
});
