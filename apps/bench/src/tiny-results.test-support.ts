// A hand-made measurement and result of the tiny model, for tests of the suite's own logic.
import { countBytes, countParameters } from './analytical';
import type { CaseMeasurement, TwoThreadCeiling } from './case-schema';
import { deriveFigures } from './derive';
import { FLOPS_FORMULA, flopsPerToken } from './flops';
import type { ModelShape } from './model-shape';
import type { BenchResults, CaseResult } from './results-schema';
import { summarize } from './stats';

export const TINY: ModelShape = {
  vocabSize: 10,
  hiddenSize: 4,
  intermediateSize: 6,
  numLayers: 2,
  numHeads: 2,
  tieWordEmbeddings: false,
};

/** The tiny model in relora mode, r = 2, measured exactly as counted (620 params, 348 trainable). */
export function tinyMeasurement(): CaseMeasurement {
  const resident = 620 * 4 + 2 * 348 * 4;
  return {
    backend: {
      name: 'cpu',
      tfBackend: 'cpu',
      versions: { 'tfjs-core': '4.22.0' },
      threads: 1,
      adapter: null,
      wasmSimd: null,
    },
    params: { total: 620, trainable: 348, frozen: 272, lora: 248 },
    memory: {
      accounting: 'tensors',
      baselineBytes: 96,
      residentBytes: resident,
      peakBytes: resident + 5000,
      activationBytes: 5000,
      rssBytes: 1e8,
      maxRssBytes: 1.2e8,
      gpuBytes: null,
      numTensorsAfterWarmup: 40,
      numTensorsAfterSteps: 40,
      backendReport: null,
    },
    timing: {
      stepMs: summarize([10, 12, 11, 30]),
      gradMs: summarize([8, 9, 9, 25]),
      optimizerMs: summarize([2, 3, 2, 5]),
      forwardMs: summarize([3, 3, 4, 3]),
      mergeMs: summarize([1, 1, 2]),
      resetMs: summarize([0.5, 0.5, 0.6]),
    },
    matmul: {
      modelShape: [12, 4, 6],
      modelShapeGflops: summarize([1, 1.1, 0.9]),
      square: 512,
      squareGflops: summarize([2, 2.2, 1.8]),
    },
    reset: { zeroed: 490, total: 496 },
    loss: { first: 2.3, last: 2.2 },
    twoThreadCeiling: null,
    gpuWork: null,
    warmupStepsRun: 45,
  };
}

/** A two-thread ceiling record: loops of 100 ms alone, scaling `latency` and `fp` times. */
export function tinyCeiling(at: TwoThreadCeiling['at'], latency: number, fp: number) {
  const loop = (scaling: number) => ({
    aloneMs: 100,
    pairMs: [200 / scaling, 190 / scaling] as [number, number],
    scaling,
  });
  return { at, latency: loop(latency), fpThroughput: loop(fp) };
}

/** {@link tinyMeasurement} as a workers case measures it: no forward pass, no restarts, ceilings. */
export function tinyWorkersMeasurement(): CaseMeasurement {
  const m = tinyMeasurement();
  return {
    ...m,
    timing: { ...m.timing, forwardMs: null, mergeMs: null, resetMs: null },
    reset: null,
    twoThreadCeiling: [
      tinyCeiling('before-steps', 1.98, 1.9),
      tinyCeiling('after-steps', 1.5, 1.2),
    ],
  };
}

/** A whole case result around {@link tinyMeasurement} (derived figures filled by the caller). */
export function tinyCase(derived: CaseResult['derived']): CaseResult {
  const params = countParameters(TINY, 'relora', { rank: 2 });
  return {
    id: 'tiny/relora-r2',
    preset: 'tiny',
    mode: 'relora',
    rank: 2,
    threads: null,
    workers: 1,
    status: 'ok',
    rounds: 1,
    error: null,
    wallSec: 3,
    shape: TINY,
    analytical: {
      params,
      bytes: countBytes(params),
      bufferBytes: 0,
      flopsPerToken: flopsPerToken(TINY, 'relora', 3, { rank: 2 }),
    },
    measured: tinyMeasurement(),
    derived,
    peer: null,
  };
}

/** A whole results file with the one tiny case. */
export function tinyResults(): BenchResults {
  const derived = deriveFigures(tinyMeasurement(), {
    batchSize: 2,
    workers: 1,
    seqLen: 3,
    flopsPerToken: 3104,
    reloraEvery: 10,
  });
  return {
    schemaVersion: 1,
    tool: 'relora-bench',
    createdAt: '2026-01-01T00:00:00.000Z',
    environment: {
      backend: 'cpu',
      tfBackend: 'cpu',
      versions: { 'tfjs-core': '4.22.0' },
      node: 'v20.0.0',
      platform: 'linux 6.0',
      arch: 'x64',
      cpuModel: 'AMD EPYC',
      cpuCount: 2,
      threads: 1,
      wasmSimd: null,
      totalMemoryBytes: 8e9,
      gpu: null,
      gpuPeak: null,
      peer: null,
    },
    settings: { steps: 4 },
    flopsFormula: FLOPS_FORMULA,
    tolerance: { relative: 0.01, bytes: 100, statement: 'within 1%' },
    cases: [tinyCase(derived)],
    skipped: [],
    checks: [],
    comparisons: [],
    summary: { cases: 1, failedCases: 0, checksPassed: 0, checksFailed: 0 },
  };
}
