// One configuration and seed in its own relora-pretrain process; what its run directory says afterwards.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One evaluation of a run. */
export interface EvalPoint {
  step: number;
  loss: number;
  perplexity: number;
}

/** What one run did. */
export interface RunResult {
  seed: number;
  /** Evaluations in step order (up to the divergence, if it diverged). */
  evals: EvalPoint[];
  /** Set when training stopped on a non-finite loss: relora-pretrain's message. */
  diverged: string | null;
  /** Largest gradient norm before clipping over all steps. */
  maxGradNorm: number;
  /** ReLoRA merges done. */
  restarts: number;
  /** The backend relora-pretrain trained on. */
  backend: string;
  /** Wall-clock seconds of the process. */
  wallSec: number;
}

/** The relora-pretrain CLI this app runs: apps/pretrain/dist/cli.js, through its package. */
export function pretrainCli(): string {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('relora-pretrain/package.json')), 'dist', 'cli.js');
  if (!existsSync(cli)) {
    throw new Error(`relora-pretrain is not built (${cli} is missing); run pnpm build first`);
  }
  return cli;
}

function readJsonLines(path: string): Array<Record<string, number>> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, number>);
}

/**
 * Runs `node <cli> ...args --seed <seed> --save-dir <runDir>` and reads the run directory it
 * wrote. A run stopped by a non-finite loss is a result (`diverged`); any other failure rejects
 * with the end of its output. When `stop` aborts, the process is ended (SIGTERM) and the promise
 * rejects with the abort reason.
 */
export async function runOne(
  cli: string,
  args: readonly string[],
  seed: number,
  runDir: string,
  stop?: AbortSignal,
): Promise<RunResult> {
  stop?.throwIfAborted();
  const started = performance.now();
  const argv = [cli, ...args, '--seed', String(seed), '--save-dir', runDir];
  const { code, output } = await new Promise<{ code: number | null; output: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        output += d.toString();
      });
      const end = () => child.kill('SIGTERM');
      stop?.addEventListener('abort', end, { once: true });
      child.on('error', reject);
      child.on('close', (c) => {
        stop?.removeEventListener('abort', end);
        if (stop?.aborted) reject(stop.reason);
        else resolve({ code: c, output });
      });
    },
  );
  const wallSec = (performance.now() - started) / 1000;
  const nonFinite = /training loss is \S+ at update step \d+[^\n]*/.exec(output);
  if (code !== 0 && !(code === 1 && nonFinite)) {
    throw new Error(
      `relora-pretrain ${args.join(' ')} --seed ${seed} exited with ${code}:\n${output.slice(-2000)}`,
    );
  }
  const evals = readJsonLines(join(runDir, 'eval.jsonl')).map((e) => ({
    step: e.update_step!,
    loss: e.eval_loss!,
    perplexity: e.perplexity!,
  }));
  const metrics = readJsonLines(join(runDir, 'metrics.jsonl'));
  return {
    seed,
    evals,
    diverged: code === 0 ? null : nonFinite![0],
    maxGradNorm: metrics.reduce((m, r) => Math.max(m, r.grad_norm ?? 0), 0),
    restarts: metrics.at(-1)?.n_lora_restarts ?? 0,
    backend: /; backend (\w+)/.exec(output)?.[1] ?? 'unknown',
    wallSec,
  };
}

/**
 * Runs `tasks` with at most `jobs` at a time; results in the tasks' order. After a task rejects no
 * new one starts, and the first rejection is thrown once the tasks in flight have settled.
 */
export async function runPool<T>(
  tasks: ReadonlyArray<() => Promise<T>>,
  jobs: number,
): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < tasks.length) {
      const i = next++;
      try {
        results[i] = await tasks[i]!();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
