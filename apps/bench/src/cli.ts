// relora-bench: memory and throughput of full-rank, LoRA and ReLoRA training, one process per case.
import { join, resolve } from 'node:path';
import { INIT_BACKEND_DEFAULTS } from '@relora/backend';
import { Command, CommanderError } from 'commander';
import { runBench } from './bench';
import { readGpuFacts } from './gpu-facts';
import { planGpuMatrix } from './gpu-matrix';
import { MPI_RANK_ENV, mpiScalingMain } from './mpi-scaling';
import { BENCH_DEFAULTS as D, QUICK, STEADY_STATE_WARMUP_STEPS, TRAINING_MODES } from './options';
import { outputDirRefusal, writeOutputFiles } from './output-dir';
import * as p from './parse-options';
import { presetConfig } from './presets';
import { renderReport } from './report';
import { formatNotes, formatTable } from './table';

const program = new Command('relora-bench')
  .description(
    'Memory and throughput of full-rank, LoRA, ReLoRA, GaLore, Fira, SwitchLoRA, CoLA, SST and CR-Net training, each case in a fresh process.',
  )
  .option(
    '--quick',
    `tiny matrix: presets ${QUICK.presets?.join(',')}, rank ${QUICK.ranks?.join(',')}, seq ${QUICK.seqLen}, ${QUICK.steps} steps`,
  )
  .option('--presets <list>', `@relora/llama presets (default ${D.presets.join(',')})`, p.nameList)
  .option(
    '--modes <list>',
    `modes among ${TRAINING_MODES.join(',')} (default ${D.modes.join(',')})`,
    p.modeList,
  )
  .option(
    '--ranks <list>',
    `ranks of every mode but full: LoRA, GaLore/Fira projection, CoLA, CR-Net (default ${D.ranks.join(',')})`,
    p.intList,
  )
  .option(
    '--threads <list>',
    'backend thread counts to compare, e.g. 1,2 (default: backend default)',
    p.intList,
  )
  .option(
    '--workers <list>',
    `data-parallel threads to compare, e.g. 1,2; each a whole micro-batch per step (default ${D.workers.join(',')})`,
    p.intList,
  )
  .option(
    '--ranks-mpi <list>',
    'instead of the matrix: MPI processes to compare, e.g. 1,2 (mpirun -np N, one micro-batch each per step, first preset and rank): weak scaling and bytes all-reduced per step in the full-rank and LoRA phases',
    p.intList,
  )
  .option(
    '--backend <name>',
    `${INIT_BACKEND_DEFAULTS.order.join(' | ')} (default: the first that loads, in this order; webgpu on a software adapter only when named)`,
    p.backendName,
  )
  .option('--batch-size <n>', `sequences per step (default ${D.batchSize})`, p.positiveInt)
  .option('--seq-len <n>', `tokens per sequence (default ${D.seqLen})`, p.positiveInt)
  .option(
    '--vocab-size <n>',
    `vocabulary size (default ${D.vocabSize}, the T5 tokenizer)`,
    p.positiveInt,
  )
  .option(
    '--rounds <n>',
    `runs of the whole matrix, interleaved; timings pool them (default ${D.rounds}, quick ${QUICK.rounds})`,
    p.positiveInt,
  )
  .option('--warmup-steps <n>', `untimed steps first (default ${D.warmupSteps})`, p.positiveInt)
  .option(
    '--warmup-sec <s>',
    `then untimed steps until ${STEADY_STATE_WARMUP_STEPS} or this many seconds, so V8 has optimized the step (default ${D.warmupSec}; 0: steps only)`,
    p.nonNegative,
  )
  .option('--steps <n>', `timed steps; medians over them (default ${D.steps})`, p.positiveInt)
  .option(
    '--restart-repeats <n>',
    `timed merges and resets (default ${D.restartRepeats})`,
    p.positiveInt,
  )
  .option('--lora-alpha <x>', `LoRA alpha (default ${D.loraAlpha})`, p.nonNegative)
  .option('--lora-dropout <x>', `LoRA dropout (default ${D.loraDropout})`, p.fraction)
  .option(
    '--relora-every <n>',
    `steps per restart, to amortise its cost (default ${D.reloraEvery})`,
    p.positiveInt,
  )
  .option('--reset-mode <mode>', `zero | random | magnitude (default ${D.resetMode})`, p.resetMode)
  .option('--reset-ratio <x>', `optimizer pruning ratio (default ${D.resetRatio})`, p.fraction)
  .option('--tolerance <x>', `relative memory tolerance (default ${D.tolerance})`, p.fraction)
  .option(
    '--tolerance-bytes <n>',
    `absolute memory tolerance (default ${D.toleranceBytes})`,
    p.nonNegative,
  )
  .option(
    '--gpu-memory-gib <n>',
    "the GPU's memory, for the webgpu matrix's batch sizes (default: nvidia-smi, else 16)",
    p.positiveInt,
  )
  .option('--seed <n>', `seed (default ${D.seed})`, p.nonNegative)
  .option('--case-timeout-sec <n>', `limit per case (default ${D.caseTimeoutSec})`, p.positiveInt)
  .option('--out-dir <dir>', `where results go (default ${D.outDir}/<time>, new per run)`)
  .option('--overwrite', 'replace the results of an earlier run in --out-dir (nothing else there)')
  .option('--verbose', 'also print the backends skipped on the way to the chosen one, and why')
  .option(
    '--peer <name>',
    'also run each full/lora/relora case in PyTorch (torch: scripts/torch_peer.py), alternating with ours, and report ours/peer tokens/s; skipped, with a line, where no python has torch',
    p.peerName,
  )
  .option(
    '--python <path>',
    "the peer's interpreter (default: the first of python3, /usr/bin/python3 that imports torch)",
  )
  .exitOverride();

/** `2026-12-03T12-45-36`: a folder name that sorts by time. */
function runStamp(now: Date): string {
  return now.toISOString().replace(/:/g, '-').replace(/\..*$/, '');
}

async function main(): Promise<number> {
  try {
    program.parse();
  } catch (error) {
    // Commander has printed the message; usage errors exit 2, --help and --version 0.
    return error instanceof CommanderError && error.exitCode === 0 ? 0 : 2;
  }
  if (program.opts().ranksMpi !== undefined || process.env[MPI_RANK_ENV] === '1')
    return mpiScalingMain(program.opts(), process.argv.slice(1));
  // --overwrite concerns the output directory only, not the cases: kept out of the options.
  const overwrite = program.opts().overwrite === true;
  program.setOptionValue('overwrite', undefined);
  let options: ReturnType<typeof p.resolveOptions>;
  try {
    options = p.resolveOptions(program.opts());
  } catch (error) {
    process.stderr.write(`relora-bench: ${(error as Error).message}\n`);
    return 2;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (options.backend === 'webgpu') {
    // the GPU matrix: settings and batch sizes for the adapter at hand (gpu-matrix.ts)
    const { quick, ...given } = program.opts() as p.Flags;
    let gpu: Awaited<ReturnType<typeof readGpuFacts>>;
    try {
      gpu = await readGpuFacts(options.gpuMemoryGib);
    } catch (error) {
      process.stderr.write(`relora-bench: --backend webgpu: ${(error as Error).message}\n`);
      return 1;
    }
    const plan = planGpuMatrix(options, given, quick === true, gpu, (preset, vocabSize) =>
      presetConfig(preset, vocabSize, options.seqLen),
    );
    options = { ...plan.options, presetSkips: plan.skipped };
    log(`GPU ${gpu.adapter}: ${plan.note}`);
    for (const s of plan.skipped) log(`skipped ${s.id}: ${s.reason}`);
  }
  // Checked before the cases run: a refusal after minutes of measuring would lose them.
  // Without --out-dir every run gets a folder of its own (as relora-pretrain's runs/<time>), so a
  // second run never meets the first's files and needs no --overwrite.
  const outDir = resolve(
    program.opts().outDir === undefined
      ? join(options.outDir, runStamp(new Date()))
      : options.outDir,
  );
  const refusal = outputDirRefusal(outDir, overwrite);
  if (refusal !== undefined) {
    process.stderr.write(`relora-bench: ${refusal}\n`);
    return 2;
  }
  const results = await runBench(options, { log });
  const report = await renderReport(results);
  writeOutputFiles(outDir, {
    'bench-results.json': `${JSON.stringify(results, null, 2)}\n`,
    'bench-memory.svg': report.memorySvg,
    'bench-throughput.svg': report.throughputSvg,
    'bench-report.html': report.html,
  });
  process.stdout.write(`${formatTable(results)}\n\n${formatNotes(results)}\n`);
  process.stdout.write(
    `results: ${join(outDir, 'bench-results.json')}, report: ${join(outDir, 'bench-report.html')}\n`,
  );
  // 3: the run finished but a case failed or a measurement disagrees with its analytical count.
  return results.summary.failedCases > 0 || results.summary.checksFailed > 0 ? 3 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `relora-bench: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
