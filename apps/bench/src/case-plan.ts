// What the suite knows about a case before running it: the child's spec and the analytical counts.
import { sequenceBufferBytes } from './analytical';
import type { CaseSpec } from './case-schema';
import { deriveFigures } from './derive';
import type { BenchCase } from './matrix';
import { modeCounts } from './method-analytical';
import type { ModelShape } from './model-shape';
import type { BenchOptions } from './options';
import { poolRounds } from './pool-rounds';
import type { CaseResult } from './results-schema';
import type { ChildOutcome } from './runner';

export interface CasePlan {
  spec: CaseSpec;
  shape: ModelShape;
  analytical: CaseResult['analytical'];
}

/** Sequences per step of `preset`'s cases: its own batch size where one is set, else `batchSize`. */
export function batchSizeOf(preset: string, options: BenchOptions): number {
  return options.batchSizes?.[preset] ?? options.batchSize;
}

/** The spec a child runs and the counts its measurements are checked against. */
export function planCase(
  c: BenchCase,
  config: CaseSpec['config'],
  options: BenchOptions,
): CasePlan {
  const { vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, tieWordEmbeddings } =
    config;
  const shape = { vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, tieWordEmbeddings };
  const batchSize = batchSizeOf(c.preset, options);
  const counts = modeCounts(shape, c.mode, c.rank, options.seqLen, batchSize * options.seqLen);
  return {
    shape,
    analytical: {
      params: counts.params,
      bytes: counts.bytes,
      bufferBytes: sequenceBufferBytes(shape, options.seqLen),
      flopsPerToken: counts.flopsPerToken,
    },
    spec: {
      case: c,
      config,
      backend: options.backend ?? null,
      verbose: options.verbose,
      batchSize,
      seqLen: options.seqLen,
      warmupSteps: options.warmupSteps,
      warmupSec: options.warmupSec,
      steps: options.steps,
      restartRepeats: options.restartRepeats,
      loraAlpha: options.loraAlpha,
      loraDropout: options.loraDropout,
      resetMode: options.resetMode,
      resetRatio: options.resetRatio,
      seed: options.seed,
    },
  };
}

/** A case's result from its rounds: pooled when every round ran, failed (first error) otherwise. */
export function assembleCase(
  plan: CasePlan,
  outcomes: ChildOutcome[],
  options: BenchOptions,
): CaseResult {
  const wallSec = outcomes.reduce((sum, o) => sum + o.wallSec, 0);
  const base = {
    ...plan.spec.case,
    rounds: outcomes.length,
    wallSec,
    shape: plan.shape,
    analytical: plan.analytical,
    peer: null, // set by the peer session, where there is one
  };
  const failedAt = outcomes.findIndex((o) => !o.ok);
  const failure = outcomes[failedAt];
  if (failure && !failure.ok) {
    const error = outcomes.length > 1 ? `round ${failedAt + 1}: ${failure.error}` : failure.error;
    return { ...base, status: 'failed', error, measured: null, derived: null };
  }
  const measured = poolRounds(outcomes.flatMap((o) => (o.ok ? [o.measurement] : [])));
  const derived = deriveFigures(measured, {
    batchSize: plan.spec.batchSize,
    workers: plan.spec.case.workers,
    seqLen: options.seqLen,
    flopsPerToken: plan.analytical.flopsPerToken,
    reloraEvery: options.reloraEvery,
  });
  return { ...base, status: 'ok', error: null, measured, derived };
}
