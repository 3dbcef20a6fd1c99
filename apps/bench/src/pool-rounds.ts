// Pools one case's measurements from several rounds (fresh processes) into one.
import type { CaseMeasurement } from './case-schema';
import { type Summary, summarize } from './stats';

function pool(summaries: Summary[]): Summary {
  return summarize(summaries.flatMap((s) => s.samples));
}

function poolNullable(summaries: Array<Summary | null>): Summary | null {
  const present = summaries.filter((s): s is Summary => s !== null);
  return present.length === 0 ? null : pool(present);
}

/**
 * Timings and matmul rates pool every round's samples (medians over all steps of all rounds), and
 * the two-thread ceilings of a workers case are kept, every round's in order; memory, parameters
 * and the reset count come from the first round (they do not depend on the round), except peak
 * RSS, the highest seen, and the warm-up steps run, the fewest.
 */
export function poolRounds(rounds: CaseMeasurement[]): CaseMeasurement {
  const first = rounds[0];
  if (!first) throw new Error('poolRounds: no rounds');
  if (rounds.length === 1) return first;
  const t = rounds.map((r) => r.timing);
  return {
    ...first,
    memory: { ...first.memory, maxRssBytes: Math.max(...rounds.map((r) => r.memory.maxRssBytes)) },
    timing: {
      stepMs: pool(t.map((x) => x.stepMs)),
      gradMs: pool(t.map((x) => x.gradMs)),
      optimizerMs: pool(t.map((x) => x.optimizerMs)),
      forwardMs: poolNullable(t.map((x) => x.forwardMs)),
      mergeMs: poolNullable(t.map((x) => x.mergeMs)),
      resetMs: poolNullable(t.map((x) => x.resetMs)),
    },
    matmul: {
      ...first.matmul,
      modelShapeGflops: pool(rounds.map((r) => r.matmul.modelShapeGflops)),
      squareGflops: pool(rounds.map((r) => r.matmul.squareGflops)),
    },
    twoThreadCeiling: first.twoThreadCeiling && rounds.flatMap((r) => r.twoThreadCeiling ?? []),
    warmupStepsRun:
      first.warmupStepsRun === null ? null : Math.min(...rounds.map((r) => r.warmupStepsRun ?? 0)),
  };
}
