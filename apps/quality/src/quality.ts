// runQuality: every configuration x seed in its own relora-pretrain process, then results.json, results.md and perplexity.svg.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSvg } from '@relora/charts';
import { perplexitySpec } from './chart-spec';
import { checkPeriods, type QualityConfig, selectConfigs } from './configs';
import { type EqualComputePlan, equalComputePlan } from './equal-compute';
import {
  METHOD_FLOPS,
  meanFlopsPerToken,
  type RunFlops,
  runFlops,
  trainingFlops,
} from './method-flops';
import type { QualityOptions } from './options';
import type { ConfigResult, QualityResults } from './results-schema';
import { type RunConfig, readRunConfig } from './run-config';
import { pretrainCli, type RunResult, runOne, runPool } from './run-one';
import { finalPerplexity, summarizeSteps } from './summary';
import { formatTable } from './table';

/** The files a comparison writes into its output folder. */
export const OUTPUT_FILES = ['results.json', 'results.md', 'perplexity.svg'] as const;

/** A bad option or an output folder that already holds results: nothing was run or written. */
export class QualityUsageError extends Error {
  override name = 'QualityUsageError';
}

/** relora-pretrain flags every run shares: steps, data, model, backend, evaluation; no sample. */
export function commonArgs(o: QualityOptions): string[] {
  return [
    '--num-training-steps',
    String(o.steps),
    '--model-config',
    o.modelConfig,
    '--dataset',
    o.dataset,
    '--tokenizer',
    o.tokenizer,
    '--backend',
    o.backend,
    '--eval-every',
    String(o.evalEvery),
    '--eval-tokens',
    String(o.evalTokens),
    '--sample-tokens',
    '0',
    // Checkpoint only at the end (always written); the run folder is temporary.
    '--save-every',
    String(o.steps),
  ];
}

function checkOptions(o: QualityOptions, configs: readonly QualityConfig[]): void {
  const bad = checkPeriods(o, configs);
  if (bad) throw new QualityUsageError(bad);
  if (o.steps % o.evalEvery !== 0) {
    throw new QualityUsageError(
      `--eval-every ${o.evalEvery} must divide --steps ${o.steps}, so every run evaluates its last step`,
    );
  }
  if (!o.overwrite) {
    const existing = OUTPUT_FILES.map((f) => join(o.out, f)).filter((p) => existsSync(p));
    if (existing.length > 0) {
      throw new QualityUsageError(
        `${existing[0]} exists (results of an earlier comparison); choose another --out, or pass --overwrite to replace ${OUTPUT_FILES.join(', ')} there`,
      );
    }
  }
}

/** ratio - 1 of two final means, or null when either is missing. */
function relative(a: ConfigResult['final'], b: ConfigResult['final'] | undefined): number | null {
  return a && b ? a.mean / b.mean - 1 : null;
}

/** A promise and its resolve and reject (Promise.withResolvers, which Node 20 lacks). */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** What a configuration's runs at equal steps said about its FLOPs, and its equal-compute plan. */
interface ConfigFlops {
  run: RunConfig;
  flops: RunFlops;
  plan: EqualComputePlan;
}

function assemble(
  o: QualityOptions,
  configs: readonly QualityConfig[],
  runs: RunResult[][],
  flops: ConfigFlops[],
  equalRuns: Array<RunResult[] | null>,
): ConfigResult[] {
  const results: ConfigResult[] = configs.map((c, i) => {
    const { run, flops: f, plan } = flops[i]!;
    const atEqualCompute = equalRuns[i] ?? runs[i]!;
    return {
      id: c.id,
      label: c.label,
      paperRow: c.paperRow,
      reset: c.reset ?? null,
      args: c.args(o),
      runs: runs[i]!,
      perplexity: summarizeSteps(runs[i]!),
      final: finalPerplexity(runs[i]!, o.steps),
      vsFullRank: null,
      vsFullReset: null,
      flops: {
        ...f,
        meanPerToken: meanFlopsPerToken(f, run.steps),
        total: trainingFlops(f, run.steps),
        counts: METHOD_FLOPS[run.method]!.counts,
      },
      equalCompute: o.equalCompute
        ? {
            ...plan,
            runs: equalRuns[i] ?? [],
            perplexity: summarizeSteps(atEqualCompute),
            final: finalPerplexity(atEqualCompute, plan.steps),
            vsFullRank: null,
          }
        : null,
    };
  });
  const full = results.find((r) => r.id === 'full-rank');
  for (const r of results) {
    if (r.id !== 'full-rank') {
      r.vsFullRank = relative(r.final, full?.final);
      if (r.equalCompute) r.equalCompute.vsFullRank = relative(r.equalCompute.final, full?.final);
    }
    if (r.reset !== null && r.reset !== 'zero') {
      const zero = results.find((z) => z.paperRow === r.paperRow && z.reset === 'zero');
      r.vsFullReset = relative(r.final, zero?.final);
    }
  }
  return results;
}

/** How the FLOPs per token in results.json are counted. */
const FLOPS_FORMULA =
  'FLOPs per token: forward and backward of the network (a multiply-add is 2; LLAMA_TRAINING_FLOPS_FORMULA ' +
  "of @relora/llama, COLA_FLOPS_FORMULA of @relora/cola), by method (each configuration's flops.counts); " +
  "optimizer work per update step not counted. Equal compute: full rank's training FLOPs at the " +
  "equal-steps run's steps, every step count of the schedule scaled by one factor; a configuration " +
  "within 2% of full rank's FLOPs is not run again.";

/**
 * Trains every chosen configuration once per seed (at most `jobs` processes at a time), then
 * writes results.json, results.md and perplexity.svg into `o.out`. Refuses, before running
 * anything, when `o.out` holds results and `o.overwrite` is false. Aborting `stop` ends the
 * running processes and rejects; nothing is written then.
 */
export async function runQuality(
  o: QualityOptions,
  command: string,
  log: (line: string) => void,
  stop?: AbortSignal,
): Promise<QualityResults> {
  let configs: QualityConfig[];
  try {
    configs = selectConfigs(o.configs);
  } catch (error) {
    throw new QualityUsageError((error as Error).message);
  }
  checkOptions(o, configs);
  const cli = pretrainCli();
  const started = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), 'relora-quality-'));
  try {
    let total = configs.length * o.seeds.length;
    let done = 0;
    const train = async (c: QualityConfig, seed: number, extra: string[], name: string) => {
      const args = [...commonArgs(o), ...o.pretrainArgs, ...c.args(o), ...extra];
      const runDir = join(scratch, `${name}-seed${seed}`);
      const run = await runOne(cli, args, seed, runDir, stop);
      const last = run.evals.at(-1);
      log(
        `[${++done}/${total}] ${name} seed ${seed}: ${run.diverged ? `diverged (${run.diverged})` : `perplexity ${last?.perplexity.toFixed(2)} at step ${last?.step}`}, max grad norm ${run.maxGradNorm.toFixed(2)}, ${run.wallSec.toFixed(0)} s`,
      );
      return { run, config: readRunConfig(runDir) };
    };
    // One pool for both: a configuration's equal-compute runs wait for its first seed at equal
    // steps (its config.json gives the FLOPs), so no process slot idles between the two.
    const firstRuns = configs.map(() => deferred<RunConfig>());
    const equalSteps = configs.flatMap((c, i) =>
      o.seeds.map((seed, s) => async () => {
        const result = train(c, seed, [], c.id);
        if (s === 0) result.then((r) => firstRuns[i]!.resolve(r.config), firstRuns[i]!.reject);
        return result;
      }),
    );
    const plans = firstRuns.map(({ promise }) =>
      promise.then((config) => {
        const f = runFlops(config);
        return { run: config, flops: f, plan: equalComputePlan(config, f) };
      }),
    );
    // Unhandled until awaited below: a failed first run rejects through the pool as well.
    for (const p of plans) p.catch(() => {});
    const equalCompute = o.equalCompute
      ? configs.flatMap((c, i) =>
          o.seeds.map((seed) => async () => {
            const { plan } = await plans[i]!;
            if (!plan.separate) return null;
            total += 1;
            return train(c, seed, plan.args, `${c.id}-equal-compute`);
          }),
        )
      : [];
    const flat = await runPool([...equalSteps, ...equalCompute], o.jobs);
    const perConfig = <T>(list: readonly T[]) =>
      configs.map((_, i) => list.slice(i * o.seeds.length, (i + 1) * o.seeds.length));
    const runs = perConfig(flat.slice(0, equalSteps.length)).map((list) => list.map((r) => r!.run));
    const flops = await Promise.all(plans);
    const equalRuns = o.equalCompute
      ? perConfig(flat.slice(equalSteps.length)).map((list) =>
          list.every((r) => r !== null) ? list.map((r) => r!.run) : null,
        )
      : configs.map(() => null);
    const { out, overwrite: _o, configs: _c, ...settings } = o;
    const results: QualityResults = {
      tool: 'relora-quality',
      version: 2,
      createdAt: new Date().toISOString(),
      command,
      settings,
      flopsFormula: FLOPS_FORMULA,
      configs: assemble(o, configs, runs, flops, equalRuns),
      wallSec: (performance.now() - started) / 1000,
    };
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(out, 'results.md'), formatTable(results));
    writeFileSync(join(out, 'perplexity.svg'), await renderSvg(perplexitySpec(results)));
    return results;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
