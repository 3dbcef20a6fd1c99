// relora-pretrain's main: parse, prepare (nothing written on bad input), train with logging, report, sample.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LlamaModel, toHfConfig } from '@relora/llama';
import { NonFiniteLossError, Trainer } from '@relora/trainer';
import {
  DATA_PARALLEL_BACKENDS,
  DataParallelGradients,
  loadCheckpointWeights,
  RunDirectory,
  resumeFromCheckpoint,
  writeCheckpoint,
} from '@relora/trainer/node';
import { parseArgs } from './parse-args';
import { UsageError } from './parse-value';
import { type PreparedRun, prepareRun } from './prepare-run';
import { type Output, Progress } from './progress';
import { renderReport } from './report';
import { configJson, type ResolvedConfig, resolveConfig } from './resolve-config';
import { checkRunDirectory, lockRunDirectory, startRunDirectory } from './run-dir-guard';
import { attachRunLog, describeRun, sampleText } from './run-log';
import { StopSignals } from './signals';

/**
 * Exit codes: 0 done (or stopped by a signal, after saving), 1 training failed, 2 bad input; a
 * signal during start-up or after the loop exits with 128 + its number (130, 143, 129).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Options of {@link main} for embedding and tests. */
export interface MainOptions {
  /** Install SIGINT/SIGTERM/SIGHUP handlers (see signals.ts). Default true. */
  handleSignals?: boolean;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(
  argv: readonly string[],
  output: Output,
  options: MainOptions = {},
): Promise<number> {
  try {
    const parsed = parseArgs(argv);
    if (parsed.kind === 'help') {
      output.out(parsed.text);
      return EXIT.ok;
    }
    return await train(parsed.flags, output, options);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`relora-pretrain: error: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof NonFiniteLossError) {
      output.err(`relora-pretrain: ${error.message}`);
      return EXIT.failed;
    }
    output.err(`relora-pretrain: failed: ${(error as Error).stack ?? error}`);
    return EXIT.failed;
  }
}

async function train(
  flags: Parameters<typeof resolveConfig>[0],
  output: Output,
  options: MainOptions,
): Promise<number> {
  const config = resolveConfig(flags);
  if (options.handleSignals === false) return trainSignalled(config, output, undefined);
  // Lines go to stderr until the progress display takes them over.
  const toStderr = (line: string) => output.err(`relora-pretrain: ${line}`);
  let note = toStderr;
  const signals = new StopSignals((line) => note(line));
  try {
    return await trainSignalled(config, output, {
      signals,
      note: (to) => {
        note = to;
      },
    });
  } finally {
    signals.dispose();
  }
}

/** The run's signal handlers and where their lines go. */
interface Signalling {
  signals: StopSignals;
  note(to: (line: string) => void): void;
}

async function trainSignalled(
  config: ResolvedConfig,
  output: Output,
  signalling: Signalling | undefined,
): Promise<number> {
  checkRunDirectory(config.saveDir, {
    resuming: typeof config.values.resumeFrom === 'string' || config.values.autoresume === true,
    overwrite: config.values.overwrite === true,
  });
  const run = await prepareRun(config);
  const model = run.createModel();
  const dir = new RunDirectory(config.saveDir);
  const gradients = await startWorkers(config.values.workers, run);
  try {
    return await trainWith(config, run, model, dir, gradients, output, signalling);
  } finally {
    await gradients?.close();
  }
}

async function startWorkers(
  workers: number,
  run: PreparedRun,
): Promise<DataParallelGradients | undefined> {
  if (workers === 1) return undefined;
  if (!DATA_PARALLEL_BACKENDS.includes(run.backend.name)) {
    run.loaders.close();
    throw new UsageError(
      `--workers: data-parallel workers run on the wasm or cpu backend, not ${run.backend.name}; use --workers 1`,
    );
  }
  return DataParallelGradients.start({ workers, modelConfig: run.modelConfig });
}

async function trainWith(
  config: ResolvedConfig,
  run: PreparedRun,
  model: LlamaModel,
  dir: RunDirectory,
  gradients: DataParallelGradients | undefined,
  output: Output,
  signalling: Signalling | undefined,
): Promise<number> {
  if (run.warmedUp) {
    try {
      loadCheckpointWeights(model, run.warmedUp.dir);
    } catch (error) {
      throw new UsageError(`--warmed-up-model: ${(error as Error).message}`);
    }
  }
  // Checkpoints of another run in this directory (--overwrite): never pruned.
  let othersCheckpoints = new Set<string>();
  const trainer = new Trainer({
    model,
    train: run.loaders.train,
    validation: run.loaders.validation,
    options: run.trainer,
    startStep: run.warmedUp?.step ?? 0,
    ...(gradients ? { gradients } : {}),
    save: (t) => {
      const write = () =>
        writeCheckpoint(t, {
          dir: dir.checkpointsDir,
          config: run.modelConfig,
          keep: config.values.keepCheckpoints,
          protect: othersCheckpoints,
        });
      return signalling ? signalling.signals.saving(write) : write();
    },
  });
  // As the reference, a warmed-up run continues the warm run's counters and its data order. A
  // cursor of other data or another batch size is not an error: the data starts from the beginning.
  const warm = run.warmedUp?.state;
  if (warm) trainer.continueFrom(warm);
  if (run.resumeFrom) {
    try {
      resumeFromCheckpoint(trainer, run.resumeFrom);
    } catch (error) {
      const flag = config.values.resumeFrom === null ? '--autoresume' : '--resume-from';
      throw new UsageError(`${flag}: ${(error as Error).message}`);
    }
  }
  // Nothing is written before this point: bad input leaves the disk untouched.
  dir.create();
  const unlock = lockRunDirectory(config.saveDir);
  signalling?.signals.onExit(unlock);
  try {
    othersCheckpoints = startRunDirectory(config.saveDir, dir.checkpointsDir, !!run.resumeFrom);
    return await trainLocked(config, run, model, dir, trainer, output, signalling);
  } finally {
    unlock();
  }
}

async function trainLocked(
  config: ResolvedConfig,
  run: PreparedRun,
  model: LlamaModel,
  dir: RunDirectory,
  trainer: Trainer,
  output: Output,
  signalling: Signalling | undefined,
): Promise<number> {
  dir.writeConfig({
    ...configJson(config.values),
    run_backend: run.backend.name,
    run_model: toHfConfig(run.modelConfig),
    run_tokenizer: run.tokenizer.identity(),
  });
  if (run.resumeFrom) dir.truncateAfter(trainer.updateStep);
  for (const line of describeRun(run, trainer, config.saveDir, config.values.verbose === true))
    output.out(line);
  const progress = new Progress(
    output,
    trainer.updateStep,
    run.trainer.numTrainingSteps,
    config.values.logEvery,
  );
  // Resumed from the final checkpoint, the trainer evaluates that step again: logged already.
  const loggedEvalAt = run.resumeFrom
    ? dir.readLines('eval.jsonl').find((e) => e.update_step === trainer.updateStep)?.update_step
    : undefined;
  attachRunLog(trainer, dir, progress, loggedEvalAt as number | undefined);
  signalling?.note((line) => progress.note(line));
  signalling?.signals.onExit(() => progress.stop());
  signalling?.signals.training(trainer);
  const started = performance.now();
  let result: Awaited<ReturnType<Trainer['run']>>;
  try {
    result = await trainer.run();
  } finally {
    progress.stop();
    signalling?.note((line) => output.err(`relora-pretrain: ${line}`));
  }
  const seconds = (performance.now() - started) / 1000;
  // Printed before anything that awaits, so that no signal comes between the save and this line.
  const resumeLine = `stopped by signal after update step ${result.updateStep}; checkpoint saved in ${dir.checkpointsDir}; continue with --resume-from ${join(dir.checkpointsDir, `model_${result.updateStep}`)}`;
  if (result.reason === 'stopped') output.out(resumeLine);
  // From here a signal skips the rest (report, sample): the checkpoints are complete.
  signalling?.signals.afterTraining();
  writeFileSync(
    join(config.saveDir, 'report.svg'),
    await renderReport(
      dir.readLines('metrics.jsonl'),
      dir.readLines('eval.jsonl'),
      `relora-pretrain: ${config.saveDir}`,
    ),
  );
  if (result.reason === 'stopped') {
    run.loaders.close();
    return EXIT.ok;
  }
  const evals = dir.readLines('eval.jsonl');
  const first = evals[0];
  const last = evals.at(-1);
  output.out(
    `done in ${seconds.toFixed(0)} s: ${result.updateStep} update steps, ${trainer.nLoraRestarts} ReLoRA restarts` +
      (first && last
        ? `, validation perplexity ${Number(first.perplexity).toFixed(2)} (step ${first.update_step}) -> ${Number(last.perplexity).toFixed(2)} (step ${last.update_step})`
        : ''),
  );
  output.out(
    `run directory: ${config.saveDir} (config.json, metrics.jsonl, eval.jsonl, checkpoints/, report.svg)`,
  );
  const sampleTokens = config.values.sampleTokens;
  if (sampleTokens > 0)
    output.out(
      `sample: ${JSON.stringify(await sampleText(model, run.tokenizer, config.values.prompt, sampleTokens, run.trainer.seed))}`,
    );
  run.loaders.close();
  model.dispose();
  return EXIT.ok;
}
