// runQuality: every configuration x seed in its own relora-pretrain process, then results.json, results.md and perplexity.svg.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perplexitySpec } from './chart-spec';
import { checkPeriods, type QualityConfig, selectConfigs } from './configs';
import type { QualityOptions } from './options';
import { renderSvg } from './render-svg';
import type { ConfigResult, QualityResults } from './results-schema';
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

function assemble(
  o: QualityOptions,
  configs: readonly QualityConfig[],
  runs: RunResult[][],
): ConfigResult[] {
  const results: ConfigResult[] = configs.map((c, i) => ({
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
  }));
  const full = results.find((r) => r.id === 'full-rank')?.final;
  for (const r of results) {
    if (r.id !== 'full-rank') r.vsFullRank = relative(r.final, full);
    if (r.reset !== null && r.reset !== 'zero') {
      const zero = results.find((z) => z.paperRow === r.paperRow && z.reset === 'zero');
      r.vsFullReset = relative(r.final, zero?.final);
    }
  }
  return results;
}

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
    const total = configs.length * o.seeds.length;
    let done = 0;
    const tasks = configs.flatMap((c) =>
      o.seeds.map((seed) => async () => {
        const args = [...commonArgs(o), ...o.pretrainArgs, ...c.args(o)];
        const run = await runOne(cli, args, seed, join(scratch, `${c.id}-seed${seed}`), stop);
        const last = run.evals.at(-1);
        log(
          `[${++done}/${total}] ${c.id} seed ${seed}: ${run.diverged ? `diverged (${run.diverged})` : `perplexity ${last?.perplexity.toFixed(2)} at step ${last?.step}`}, max grad norm ${run.maxGradNorm.toFixed(2)}, ${run.wallSec.toFixed(0)} s`,
        );
        return run;
      }),
    );
    const flat = await runPool(tasks, o.jobs);
    const runs = configs.map((_, i) => flat.slice(i * o.seeds.length, (i + 1) * o.seeds.length));
    const { out, overwrite: _o, configs: _c, ...settings } = o;
    const results: QualityResults = {
      tool: 'relora-quality',
      version: 1,
      createdAt: new Date().toISOString(),
      command,
      settings,
      configs: assemble(o, configs, runs),
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
