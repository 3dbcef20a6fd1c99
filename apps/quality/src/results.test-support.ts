// A results.json of two configurations, full rank and CoLA, made by hand: version 2 with equal compute, or version 1.
import { equalComputePlan } from './equal-compute';
import { demoConfigJson } from './flops.test-support';
import { METHOD_FLOPS, meanFlopsPerToken, runFlops, trainingFlops } from './method-flops';
import { QUALITY_DEFAULTS } from './options';
import type { ConfigResult, QualityResults } from './results-schema';
import { parseRunConfig } from './run-config';
import type { RunResult } from './run-one';
import { finalPerplexity, summarizeSteps } from './summary';

/** One seed-0 run evaluated at 0, 250 and `steps`, ending at `final`. */
function run(steps: number, final: number): RunResult {
  const evals = [0, 250, steps].map((step, i) => ({
    step,
    loss: 0,
    perplexity: [250, final + 2, final][i]!,
  }));
  return {
    seed: 0,
    evals,
    diverged: null,
    maxGradNorm: 1,
    restarts: 0,
    backend: 'wasm',
    wallSec: 1,
  };
}

function config(
  id: string,
  label: string,
  method: string | null,
  final: number,
  atEqualCompute: number,
  equalCompute: boolean,
): ConfigResult {
  const rc = parseRunConfig(demoConfigJson('full', method));
  const f = runFlops(rc);
  const plan = equalComputePlan(rc, f);
  const runs = [run(500, final)];
  const again = plan.separate ? [run(plan.steps, atEqualCompute)] : [];
  const atEqual = plan.separate ? again : runs;
  return {
    id,
    label,
    paperRow: method === null ? 'full-rank' : 'method',
    reset: null,
    args: [],
    runs,
    perplexity: summarizeSteps(runs),
    final: finalPerplexity(runs, 500),
    vsFullRank: method === null ? null : final / 8 - 1,
    vsFullReset: null,
    flops: {
      ...f,
      meanPerToken: meanFlopsPerToken(f, 500),
      total: trainingFlops(f, 500),
      counts: METHOD_FLOPS[rc.method]!.counts,
    },
    equalCompute: equalCompute
      ? {
          ...plan,
          runs: again,
          perplexity: summarizeSteps(atEqual),
          final: finalPerplexity(atEqual, plan.steps),
          vsFullRank: method === null ? null : (plan.separate ? atEqualCompute : final) / 8 - 1,
        }
      : null,
  };
}

/** Full rank at 8.00 and CoLA at 8.40 (equal steps) and 7.60 (equal compute, 1089 steps). */
export function handMadeResults(equalCompute = true): QualityResults {
  const { out: _out, overwrite: _o, configs: _c, ...settings } = QUALITY_DEFAULTS;
  return {
    tool: 'relora-quality',
    version: 2,
    createdAt: '2026-12-03T00:00:00.000Z',
    command: 'relora-quality --configs full-rank,cola --equal-compute',
    settings: { ...settings, equalCompute },
    flopsFormula: 'test',
    configs: [
      config('full-rank', 'full rank', null, 8, 8, equalCompute),
      config('cola', 'CoLA r 32', 'cola', 8.4, 7.6, equalCompute),
    ],
    wallSec: 2,
  };
}

/** The same as a version 1 file: no FLOPs, no equal compute. */
export function versionOneResults(): unknown {
  const r = handMadeResults(false);
  const { equalCompute: _e, ...settings } = r.settings;
  return {
    ...r,
    version: 1,
    flopsFormula: undefined,
    settings,
    configs: r.configs.map(({ flops: _f, equalCompute: _q, ...c }) => c),
  };
}
