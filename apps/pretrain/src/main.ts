// relora-pretrain's main: parse, prepare (nothing written on bad input), train with logging, report, sample.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countParameters, type LlamaModel, toHfConfig } from '@relora/llama';
import { NonFiniteLossError, Trainer } from '@relora/trainer';
import {
  DATA_PARALLEL_BACKENDS,
  DataParallelGradients,
  loadCheckpointWeights,
  RunDirectory,
  writeCheckpoint,
} from '@relora/trainer/node';
import { checkpointConfigExtra } from './cola-run';
import { type Distributed, rankOutput, startDistributed } from './distributed';
import { knownDivergence } from './known-divergence';
import { nonFiniteEvaluation, nonFiniteTraining, RunFailure } from './non-finite';
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
    if (error instanceof NonFiniteLossError || error instanceof RunFailure) {
      output.err(`relora-pretrain: ${error.message}`);
      return EXIT.failed;
    }
    const system = systemError(error);
    if (system) {
      output.err(`relora-pretrain: failed: ${system}`);
      return EXIT.failed;
    }
    output.err(`relora-pretrain: failed: ${(error as Error).stack ?? error}`);
    return EXIT.failed;
  }
}

/**
 * One line for an error of the system (a full disk, a read-only file system, a permission):
 * Node's message names the call and the path; what was saved before it is intact (checkpoints
 * are atomic, log lines appended whole).
 */
function systemError(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string' || typeof e.syscall !== 'string') return undefined;
  const full = e.code === 'ENOSPC' || e.code === 'EDQUOT';
  return `${e.message.split('\n')[0]}${full ? ' (the disk is full)' : ''}; what was saved before is intact; once fixed, continue with --autoresume`;
}

async function train(
  flags: Parameters<typeof resolveConfig>[0],
  output: Output,
  options: MainOptions,
): Promise<number> {
  const config = resolveConfig(flags);
  // Under an MPI launcher every rank runs all of this; rank 0 writes and prints (distributed.ts).
  const distributed = await startDistributed(config.values.distributed);
  if (!distributed) return trainProcess(config, output, options, undefined);
  const rank = distributed.communicator.rank;
  const code = await trainProcess(
    config,
    distributed.writer ? output : rankOutput(output, rank),
    options,
    distributed,
  );
  // A rank that failed exits without MPI_Finalize: its launcher then ends the whole job.
  if (code === EXIT.ok) await distributed.finalize();
  return code;
}

async function trainProcess(
  config: ResolvedConfig,
  output: Output,
  options: MainOptions,
  distributed: Distributed | undefined,
): Promise<number> {
  if (options.handleSignals === false)
    return trainSignalled(config, output, undefined, distributed);
  // Lines go to stderr until the progress display takes them over.
  const toStderr = (line: string) => output.err(`relora-pretrain: ${line}`);
  let note = toStderr;
  const signals = new StopSignals((line) => note(line));
  try {
    return await trainSignalled(
      config,
      output,
      {
        signals,
        note: (to) => {
          note = to;
        },
      },
      distributed,
    );
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
  distributed?: Distributed,
): Promise<number> {
  // Only the rank that writes checks the run directory: rank 0 may have started writing it.
  if (distributed?.writer !== false)
    checkRunDirectory(config.saveDir, {
      resuming: typeof config.values.resumeFrom === 'string' || config.values.autoresume === true,
      overwrite: config.values.overwrite === true,
    });
  const run = await prepareRun(config);
  const model = run.createModel();
  const dir = new RunDirectory(config.saveDir);
  const gradients = await startWorkers(config, run, distributed);
  try {
    return await trainWith(config, run, model, dir, gradients, output, signalling, distributed);
  } finally {
    await gradients?.close();
  }
}

async function startWorkers(
  config: ResolvedConfig,
  run: PreparedRun,
  distributed: Distributed | undefined,
): Promise<DataParallelGradients | undefined> {
  const workers = config.values.workers;
  if (workers === 1 && !distributed) return undefined;
  if (workers > 1 && !DATA_PARALLEL_BACKENDS.includes(run.backend.name)) {
    run.loaders.close();
    throw new UsageError(
      `--workers: data-parallel workers run on the wasm or cpu backend, not ${run.backend.name}; use --workers 1`,
    );
  }
  return DataParallelGradients.start({
    workers,
    modelConfig: run.modelConfig,
    checksumEvery: config.values.checksumEvery,
    ...(distributed ? { communicator: distributed.communicator } : {}),
  });
}

async function trainWith(
  config: ResolvedConfig,
  run: PreparedRun,
  model: LlamaModel,
  dir: RunDirectory,
  gradients: DataParallelGradients | undefined,
  output: Output,
  signalling: Signalling | undefined,
  distributed?: Distributed,
): Promise<number> {
  // Ranks other than 0 neither evaluate nor save (rank 0 does, for all).
  const writer = distributed?.writer !== false;
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
    ...(writer ? { validation: run.loaders.validation } : {}),
    options: run.trainer,
    startStep: run.warmedUp?.step ?? 0,
    ...(gradients ? { gradients } : {}),
    save: (t) => {
      // Evaluated just before: weights that are no longer finite are not saved.
      if (badEval?.step === t.updateStep)
        throw nonFiniteEvaluation(badEval.step, badEval.loss, lastSaved);
      if (!writer) return '';
      const write = () =>
        writeCheckpoint(t, {
          dir: dir.checkpointsDir,
          config: run.modelConfig,
          configExtra: checkpointConfigExtra(model),
          keep: config.values.keepCheckpoints,
          protect: othersCheckpoints,
        }).then((path) => {
          lastSaved = path;
          return path;
        });
      return signalling ? signalling.signals.saving(write) : write();
    },
  });
  let lastSaved = run.resume?.dir;
  let badEval: { step: number; loss: number } | undefined;
  trainer.on('eval', (e) => {
    if (!Number.isFinite(e.evalLoss)) badEval = { step: e.updateStep, loss: e.evalLoss };
  });
  // As the reference, a warmed-up run continues the warm run's counters and its data order. A
  // cursor of other data or another batch size is not an error: the data starts from the beginning.
  const warm = run.warmedUp?.state;
  if (warm) trainer.continueFrom(warm);
  if (run.resume) {
    try {
      trainer.restore(run.resume.checkpoint, run.resume.dir);
    } catch (error) {
      const flag = config.values.resumeFrom === null ? '--autoresume' : '--resume-from';
      throw new UsageError(`${flag}: ${(error as Error).message}`);
    }
  }
  if (!writer) {
    await trainer.run();
    run.loaders.close();
    return EXIT.ok;
  }
  // Nothing is written before this point: bad input leaves the disk untouched.
  dir.create();
  const unlock = lockRunDirectory(config.saveDir);
  signalling?.signals.onExit(unlock);
  try {
    othersCheckpoints = startRunDirectory(config.saveDir, dir.checkpointsDir, !!run.resumeFrom);
    // Damaged checkpoints --autoresume passed over: kept, out of the way of this run's saves.
    for (const { path, aside } of run.resume?.damaged ?? []) renameSync(path, aside);
    return await trainLocked(config, run, model, dir, trainer, output, signalling);
  } catch (error) {
    if (error instanceof NonFiniteLossError) throw nonFiniteTraining(error, lastSaved);
    throw error;
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
  // Lines after the checkpoint's step go when the resumed run logs its first line.
  if (run.resumeFrom) dir.continueAfter(trainer.updateStep);
  for (const line of describeRun(run, trainer, config.saveDir, config.values.verbose === true))
    output.out(line);
  const divergence = knownDivergence(run.trainer, countParameters(trainer.model).total);
  if (divergence) output.err(`relora-pretrain: ${divergence}`);
  if (run.resume?.note) output.out(run.resume.note);
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
    `done in ${seconds.toFixed(0)} s: ${result.updateStep} update steps${run.trainer.mode === 'relora' ? `, ${trainer.nLoraRestarts} ReLoRA restarts` : ` (${run.trainer.method})`}` +
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
