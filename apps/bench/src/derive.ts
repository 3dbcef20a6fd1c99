// Figures derived from a case's measurements: tokens/s, achieved FLOP/s, amortised restarts.
import type { CaseMeasurement } from './case-schema';
import type { CaseResult } from './results-schema';
import { mapSummary } from './stats';

export interface DeriveInputs {
  /** Sequences per micro-batch. */
  batchSize: number;
  /** Micro-batches per update step: one per data-parallel thread (1 without workers). */
  workers: number;
  seqLen: number;
  flopsPerToken: number;
  /** Update steps between restarts; restart cost is spread over them (relora only). */
  reloraEvery: number;
}

/** Tokens/s from step times, model FLOP/s at the median, and its share of the matmul ceiling. */
export function deriveFigures(
  m: CaseMeasurement,
  inputs: DeriveInputs,
): NonNullable<CaseResult['derived']> {
  const tokensPerStep = inputs.workers * inputs.batchSize * inputs.seqLen;
  const perSecond = (ms: number) => (tokensPerStep * 1000) / ms;
  const tokensPerSec = mapSummary(m.timing.stepMs, perSecond);
  const achievedFlops = inputs.flopsPerToken * tokensPerSec.median;
  // The ceiling is the better of the two plain matmuls measured: the model's own largest
  // projection shape and a 512^3 square one.
  const matmulFlops =
    Math.max(m.matmul.modelShapeGflops.median, m.matmul.squareGflops.median) * 1e9;
  const restartMs =
    m.timing.mergeMs && m.timing.resetMs ? m.timing.mergeMs.median + m.timing.resetMs.median : null;
  const amortizedStepMs =
    restartMs === null ? null : m.timing.stepMs.median + restartMs / inputs.reloraEvery;
  return {
    tokensPerStep,
    backwardMs: m.timing.forwardMs ? m.timing.gradMs.median - m.timing.forwardMs.median : null,
    tokensPerSec,
    achievedFlops,
    matmulFlops,
    fractionOfMatmul: achievedFlops / matmulFlops,
    fractionOfPeak: null, // set by the suite once it knows the GPU (see bench.ts)
    amortizedStepMs,
    amortizedTokensPerSec: amortizedStepMs === null ? null : perSecond(amortizedStepMs),
  };
}
