// Across seeds: mean and spread of validation perplexity at each evaluated step, per configuration.
import type { RunResult } from './run-one';

/** Mean, sample standard deviation (0 for one seed), min and max of one quantity over seeds. */
export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, min: Math.min(...values), max: Math.max(...values), n };
}

/** Perplexity over seeds at one update step (only the seeds that reached it). */
export interface StepSummary extends Spread {
  step: number;
}

/** Perplexity at each step some seed evaluated, in step order. */
export function summarizeSteps(runs: readonly RunResult[]): StepSummary[] {
  const byStep = new Map<number, number[]>();
  for (const run of runs) {
    for (const e of run.evals) byStep.set(e.step, [...(byStep.get(e.step) ?? []), e.perplexity]);
  }
  return [...byStep.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, values]) => ({ step, ...spread(values) }));
}

/** The final perplexity over seeds, or null when a seed diverged or never evaluated the last step. */
export function finalPerplexity(runs: readonly RunResult[], steps: number): Spread | null {
  const finals = runs.map((r) =>
    r.diverged === null ? r.evals.find((e) => e.step === steps)?.perplexity : undefined,
  );
  if (finals.some((x) => x === undefined)) return null;
  return spread(finals as number[]);
}
