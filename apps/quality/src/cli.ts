// relora-quality: validation perplexity of full rank, LoRA, ReLoRA, its ablations and other methods at equal steps (and compute), one process per run.
import { setMaxListeners } from 'node:events';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { METHOD_CONFIGS, QUALITY_CONFIGS } from './configs';
import { QUALITY_DEFAULTS as D, type QualityOptions } from './options';
import { QualityUsageError, runQuality } from './quality';

function int(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`expected an integer >= ${min}, got '${value}'`);
    return n;
  };
}

function positive(value: string): number {
  const x = Number(value);
  if (!Number.isFinite(x) || x <= 0)
    throw new InvalidArgumentError(`expected a number > 0, got '${value}'`);
  return x;
}

function seeds(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0))
    throw new InvalidArgumentError(`expected seeds like 0,1,2, got '${value}'`);
  if (new Set(list).size !== list.length)
    throw new InvalidArgumentError(`expected distinct seeds, got '${value}'`);
  return list;
}

/** Why the runs were stopped: a signal, and the exit code it gives (128 + its number). */
class SignalStop extends Error {
  constructor(
    readonly signal: string,
    readonly exitCode: number,
  ) {
    super(`stopped by ${signal}`);
  }
}

const names = (value: string) => value.split(',').map((s) => s.trim());
const words = (value: string) => value.split(/\s+/).filter((s) => s !== '');

const program = new Command('relora-quality')
  .description(
    'Validation perplexity of full rank, LoRA, LoRA + warm start, ReLoRA and its ablations (per optimizer reset mode), at equal update steps and tokens (and with --equal-compute at equal training FLOPs), each run in its own relora-pretrain process; writes results.json, results.md and perplexity.svg.',
  )
  .option('--out <dir>', `output folder (default ${D.out})`)
  .option('--overwrite', 'replace the results of an earlier comparison in --out')
  .option('--seeds <list>', `seeds, e.g. 0,1,2: mean ± sd over them (default ${D.seeds})`, seeds)
  .option(
    '--configs <list>',
    `configurations to run (default: the ReLoRA set): ${QUALITY_CONFIGS.map((c) => c.id).join(', ')}; the other methods: ${METHOD_CONFIGS.map((c) => c.id).join(', ')}; or \`methods\` (full-rank, relora-joint and all of them)`,
    names,
  )
  .option('--steps <n>', `update steps of every run (default ${D.steps})`, int(1))
  .option(
    '--warm-start-steps <n>',
    `full-rank steps before LoRA (default ${D.warmStartSteps})`,
    int(1),
  )
  .option('--relora <n>', `restart period in update steps (default ${D.relora})`, int(2))
  .option('--lr <x>', `peak LR of the LoRA phase (default ${D.lr})`, positive)
  .option(
    '--warm-start-lr <x>',
    `peak LR of full-rank training: warm start and the full-rank baseline (default ${D.warmStartLr})`,
    positive,
  )
  .option('--eval-every <n>', `evaluate every n steps (default ${D.evalEvery})`, int(1))
  .option('--eval-tokens <n>', `validation tokens per evaluation (default ${D.evalTokens})`, int(1))
  .option('--model-config <name>', `relora-pretrain --model-config (default ${D.modelConfig})`)
  .option('--dataset <d>', `relora-pretrain --dataset (default ${D.dataset})`)
  .option('--tokenizer <t>', `relora-pretrain --tokenizer (default ${D.tokenizer})`)
  .option('--backend <b>', `relora-pretrain --backend (default ${D.backend})`)
  .option('--jobs <n>', `runs at a time, one process each (default ${D.jobs})`, int(1))
  .option(
    '--equal-compute',
    "also train each configuration for full rank's training FLOPs at --steps (its steps and LR schedule scaled), where its FLOPs at equal steps differ from full rank's by more than 2%",
  )
  .option(
    '--pretrain-args <flags>',
    "more relora-pretrain flags for every run, e.g. '--lora-r 16 --batch-size 4'",
    words,
  )
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

async function main(argv: string[]): Promise<number> {
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const options: QualityOptions = { ...D, ...(program.opts() as Partial<QualityOptions>) };
  options.overwrite = options.overwrite === true;
  options.equalCompute = options.equalCompute === true;
  const command = ['relora-quality', ...argv].join(' ');
  // A signal ends the runs in flight and removes their folder; nothing is written.
  const stop = new AbortController();
  // One listener per run in flight: as many as --jobs.
  setMaxListeners(0, stop.signal);
  const signals = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  for (const [signal, code] of Object.entries(signals)) {
    process.once(signal, () => {
      process.stderr.write(`relora-quality: ${signal}: stopping the runs in flight\n`);
      stop.abort(new SignalStop(signal, code));
    });
  }
  try {
    const results = await runQuality(
      options,
      command,
      (line) => process.stderr.write(`relora-quality: ${line}\n`),
      stop.signal,
    );
    process.stdout.write(
      `relora-quality: ${results.configs.length} configurations x ${options.seeds.length} seed(s) in ${results.wallSec.toFixed(0)} s; wrote ${options.out}/results.json, results.md, perplexity.svg\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof SignalStop) return error.exitCode;
    if (error instanceof QualityUsageError) {
      process.stderr.write(`relora-quality: error: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`relora-quality: failed: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
