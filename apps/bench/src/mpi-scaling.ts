// relora-bench --ranks-mpi 1,2: weak scaling of data parallelism across processes (MPI ranks, one
// micro-batch each per step) and the bytes each step all-reduces, in the full-rank warm start and
// in the LoRA phase.
import { spawnSync } from 'node:child_process';
import { initBackend } from '@relora/backend';
import { createLlama } from '@relora/llama';
import { detectMpiLaunch, MpiCommunicator } from '@relora/mpi';
import { Trainer, type TrainSource } from '@relora/trainer';
import { DataParallelGradients } from '@relora/trainer/node';
import * as tf from '@tensorflow/tfjs-core';
import { now, syncOn, syntheticBatch } from './measure-kit';
import { BENCH_DEFAULTS as D } from './options';
import { presetConfig } from './presets';
import { summarize } from './stats';

/** Set in the ranks' environment: this process measures instead of launching. */
export const MPI_RANK_ENV = 'RELORA_BENCH_MPI_RANK';

/** What one rank count measured, as rank 0 prints it. */
export interface MpiScalingResult {
  ranks: number;
  preset: string;
  backend: string;
  /** Tokens per update step over all ranks: ranks x batchSize x seqLen. */
  tokensPerStep: number;
  phases: Array<{
    phase: 'full' | 'lora';
    stepMsMedian: number;
    tokensPerSec: number;
    /** Bytes each rank all-reduced per update step (the trainable share, flags and loss). */
    allReducedBytes: number;
    trainableParams: number;
  }>;
}

/** The flags this mode reads (commander's camelCase), the rest of the bench's defaults. */
interface MpiScalingFlags {
  ranksMpi?: number[];
  presets?: string[];
  ranks?: number[];
  backend?: string;
  batchSize?: number;
  seqLen?: number;
  vocabSize?: number;
  warmupSteps?: number;
  steps?: number;
  seed?: number;
}

const LINE = 'mpi-scaling: ';

/**
 * The `--ranks-mpi` mode: under an MPI launcher (started by this mode) measure and let rank 0
 * print; otherwise run `mpirun -np N` of this same command for each N and print the table.
 * Returns the exit code.
 */
export async function mpiScalingMain(flags: MpiScalingFlags, argv: string[]): Promise<number> {
  if (process.env[MPI_RANK_ENV] === '1') {
    await measureRank(flags);
    return 0;
  }
  const results: MpiScalingResult[] = [];
  for (const ranks of flags.ranksMpi ?? [1, 2]) {
    const run = spawnSync(
      'mpirun',
      ['--oversubscribe', '-np', String(ranks), process.execPath, ...process.execArgv, ...argv],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          [MPI_RANK_ENV]: '1',
          // mpirun refuses root without them; a container's root is the usual case.
          OMPI_ALLOW_RUN_AS_ROOT: '1',
          OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1',
        },
      },
    );
    const line = run.stdout?.split('\n').find((l) => l.startsWith(LINE));
    if (run.error || run.status !== 0 || !line) {
      process.stderr.write(
        `relora-bench: --ranks-mpi: mpirun -np ${ranks} failed (${run.error?.message ?? `exit ${run.status}`})\n${run.stderr ?? ''}`,
      );
      return 1;
    }
    results.push(JSON.parse(line.slice(LINE.length)) as MpiScalingResult);
  }
  process.stdout.write(`${formatMpiScaling(results)}\n`);
  process.stdout.write(`${JSON.stringify(results)}\n`);
  return 0;
}

/** One row per rank count and phase: step time, tokens/s, weak scaling against 1 rank, bytes. */
export function formatMpiScaling(results: MpiScalingResult[]): string {
  const rows = [
    ['ranks', 'phase', 'trainable', 'step ms', 'tokens/s', 'vs 1 rank', 'all-reduced/step'],
  ];
  const one = results.find((r) => r.ranks === 1);
  for (const r of results) {
    for (const p of r.phases) {
      const base = one?.phases.find((q) => q.phase === p.phase);
      rows.push([
        String(r.ranks),
        p.phase,
        `${(p.trainableParams / 1e6).toFixed(2)}M`,
        p.stepMsMedian.toFixed(1),
        p.tokensPerSec.toFixed(0),
        base ? `${(p.tokensPerSec / base.tokensPerSec).toFixed(2)}x` : '-',
        r.ranks > 1 ? `${(p.allReducedBytes / 2 ** 20).toFixed(2)} MiB` : '0 (one rank)',
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padStart(widths[i]!)).join('  ')).join('\n');
}

/** One rank's part: a full-rank warm start, then LoRA, each warmed up and then timed. */
async function measureRank(flags: MpiScalingFlags): Promise<void> {
  if (!detectMpiLaunch(process.env)) throw new Error('--ranks-mpi: a rank must run under mpirun');
  const backend = await initBackend({ prefer: (flags.backend ?? 'wasm') as 'wasm' });
  const comm = await MpiCommunicator.init();
  const preset = flags.presets?.[0] ?? D.presets[0]!;
  const batchSize = flags.batchSize ?? D.batchSize;
  const seqLen = flags.seqLen ?? D.seqLen;
  const config = presetConfig(preset, flags.vocabSize ?? D.vocabSize, seqLen);
  const warmup = flags.warmupSteps ?? D.warmupSteps;
  const steps = flags.steps ?? D.steps;
  const seed = flags.seed ?? D.seed;
  const perPhase = warmup + steps;
  // One micro-batch per rank per step (weak scaling); every rank reads all of them.
  const batches = Array.from({ length: comm.size }, (_, k) =>
    syntheticBatch(batchSize, seqLen, config.vocabSize, seed + k),
  );
  let taken = 0;
  const train: TrainSource = {
    next: () => {
      const b = batches[taken++ % batches.length]!;
      return { inputIds: tf.clone(b.inputIds), targets: tf.clone(b.targets) };
    },
    cursor: () => {
      throw new Error('bench: synthetic batches have no data cursor');
    },
    restore: () => {
      throw new Error('bench: synthetic batches have no data cursor');
    },
  };
  const dp = await DataParallelGradients.start({
    workers: 1,
    modelConfig: config,
    communicator: comm,
    checksumEvery: 0,
  });
  const model = createLlama(config, { seed });
  const trainer = new Trainer({
    model,
    train,
    gradients: dp,
    options: {
      mode: 'lora',
      numTrainingSteps: 2 * perPhase,
      warmStartSteps: perPhase,
      batchSize,
      totalBatchSize: comm.size * batchSize,
      maxLength: seqLen,
      loraR: flags.ranks?.[0] ?? D.ranks[0]!,
      warmupSteps: 0,
      scheduler: 'cosine',
      evalEvery: 0,
      saveEvery: 0,
      seed,
    },
  });
  const phases: MpiScalingResult['phases'] = [];
  for (const phase of ['full', 'lora'] as const) {
    const ms: number[] = [];
    for (let i = 0; i < perPhase; i++) {
      const start = now();
      await trainer.step();
      await syncOn(model.namedParameters().at(-1)![1]);
      if (i >= warmup) ms.push(now() - start);
    }
    const trainable = model.namedParameters().filter(([, v]) => v.trainable);
    const median = summarize(ms).median;
    phases.push({
      phase,
      stepMsMedian: median,
      tokensPerSec: (comm.size * batchSize * seqLen) / (median / 1000),
      allReducedBytes: dp.allReducedBytes,
      trainableParams: trainable.reduce((n, [, v]) => n + v.size, 0),
    });
  }
  if (comm.rank === 0) {
    const result: MpiScalingResult = {
      ranks: comm.size,
      preset,
      backend: backend.name,
      tokensPerStep: comm.size * batchSize * seqLen,
      phases,
    };
    process.stdout.write(`${LINE}${JSON.stringify(result)}\n`);
  }
  model.dispose();
  tf.dispose(batches.flatMap((b) => [b.inputIds, b.targets]));
  await dp.close();
  await comm.finalize();
}
