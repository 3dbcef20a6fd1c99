// Measures one case in this process: memory, step times, restart costs and the matmul ceiling.
import {
  adapterName,
  type BackendName,
  describeSkippedBackends,
  initBackend,
  memoryReport,
  resetPeakMemory,
} from '@relora/backend';
import { createLlama } from '@relora/llama';
import { applyLoRA, type LoRAHandle } from '@relora/lora';
import { AdamW, resetOptimizerState } from '@relora/optim';
import * as tf from '@tensorflow/tfjs-core';
import type { CaseMeasurement, CaseSpec, StepFigures } from './case-schema';
import { countStepWork } from './gpu-work-step';
import { measureMatmulGflops } from './matmul-rate';
import {
  countModel,
  heldBytes,
  memoryFigures,
  syncOn,
  syntheticBatch,
  timeMs,
  warmUp,
} from './measure-kit';
import { BENCH_LR, buildMethodCase } from './method-step';
import { PLAIN_MODES } from './options';
import { measureDataParallel } from './run-workers-case';
import { summarize } from './stats';
import { createTimedStep } from './timed-step';

const SQUARE_MATMUL = 512;

async function timeRestarts(handle: LoRAHandle, optimizer: AdamW, spec: CaseSpec) {
  const loraVariables = handle.loraParameters().map(([, v]) => v);
  const probe = loraVariables[0]!;
  const mergeMs: number[] = [];
  const resetMs: number[] = [];
  let reset: CaseMeasurement['reset'] = null;
  for (let i = 0; i < spec.restartRepeats; i++) {
    mergeMs.push(
      await timeMs(async () => {
        handle.mergeAndReinit();
        await syncOn(probe);
      }),
    );
    resetMs.push(
      await timeMs(async () => {
        const counts = await resetOptimizerState(optimizer, loraVariables, {
          mode: spec.resetMode,
          ratio: spec.resetRatio,
          seed: spec.seed + i,
        });
        // The first reset acts on moments the steps built; later ones on mostly zeros.
        reset ??= { zeroed: counts.zeroed, total: counts.total };
        await syncOn(probe);
      }),
    );
  }
  return { mergeMs: summarize(mergeMs), resetMs: summarize(resetMs), reset };
}

/**
 * The one-thread step: forward, backward, clipping, the update (AdamW, or a method's optimizer
 * from `TRAINING_METHODS`) in this thread, then timed restarts (relora).
 */
async function measureOneThread(spec: CaseSpec, log: (line: string) => void): Promise<StepFigures> {
  const { case: c, batchSize, seqLen, config } = spec;
  const batch = syntheticBatch(batchSize, seqLen, config.vocabSize, spec.seed);
  // A GPU backend uploads the batch at its first use: before the baseline, so it stays out of the
  // resident bytes as it does where tensors are counted.
  await syncOn(batch.inputIds);
  await syncOn(batch.targets);
  const baselineBytes = heldBytes();
  const plain = PLAIN_MODES.has(c.mode);
  const methodCase = plain ? null : buildMethodCase(spec);
  const model = methodCase?.model ?? createLlama(config, { seed: spec.seed });
  const handle =
    !plain || c.mode === 'full'
      ? null
      : applyLoRA(model, {
          rank: c.rank ?? undefined,
          alpha: spec.loraAlpha,
          dropout: spec.loraDropout,
          seed: spec.seed,
        });
  const trainable = methodCase?.trainable ?? model.trainableVariables();
  const optimizer = new AdamW({ lr: BENCH_LR });
  const update = methodCase?.update ?? optimizer;
  const { step, forward } = createTimedStep(model, update, trainable, batch);

  const losses: number[] = [];
  const warmupStepsRun = await warmUp(spec, async () => losses.push((await step()).loss));
  const residentBytes = heldBytes() - baselineBytes;
  const numTensorsAfterWarmup = tf.memory().numTensors;
  log(`${c.id}: warm-up done (${warmupStepsRun} steps), ${spec.steps} measured steps`);

  resetPeakMemory();
  const gradMs: number[] = [];
  const optimizerMs: number[] = [];
  const forwardMs: number[] = [];
  for (let i = 0; i < spec.steps; i++) {
    const t = await step();
    gradMs.push(t.gradMs);
    optimizerMs.push(t.optimizerMs);
    losses.push(t.loss);
    forwardMs.push(await forward());
  }
  const memory = memoryFigures(baselineBytes, residentBytes, numTensorsAfterWarmup, memoryReport());
  const stepMs = gradMs.map((g, i) => g + optimizerMs[i]!);
  // after the memory figures: one more step, untimed, its GPU work counted (webgpu only)
  const gpuWork = await countStepWork(model, update, trainable, batch);
  if (gpuWork) {
    log(
      `${c.id}: per step ${gpuWork.dispatches} dispatches, ${gpuWork.submits} submits, ${gpuWork.syncs} sync(s), ${gpuWork.uploads} uploads, ${gpuWork.bufferCreations} new buffers`,
    );
  }

  const restarts =
    c.mode === 'relora' && handle ? await timeRestarts(handle, optimizer, spec) : null;
  const params = countModel(model.namedParameters());

  model.dispose();
  optimizer.dispose();
  methodCase?.dispose();
  tf.dispose([batch.inputIds, batch.targets]);
  return {
    params,
    memory,
    timing: {
      stepMs: summarize(stepMs),
      gradMs: summarize(gradMs),
      optimizerMs: summarize(optimizerMs),
      forwardMs: summarize(forwardMs),
      mergeMs: restarts?.mergeMs ?? null,
      resetMs: restarts?.resetMs ?? null,
    },
    reset: restarts?.reset ?? null,
    loss: { first: losses[0] ?? Number.NaN, last: losses[losses.length - 1] ?? Number.NaN },
    twoThreadCeiling: null,
    gpuWork,
    warmupStepsRun,
  };
}

/**
 * Runs one case: backend, plain matmul rates, then the one-thread step or, with
 * `case.workers` > 1, the data-parallel one; `log` receives progress lines (the child sends them
 * to stderr).
 */
export async function runCase(
  spec: CaseSpec,
  log: (line: string) => void = () => {},
): Promise<CaseMeasurement> {
  const { case: c, batchSize, seqLen } = spec;
  const info = await initBackend({
    ...(spec.backend ? { prefer: spec.backend as BackendName } : {}),
    ...(c.threads !== null ? { wasmThreads: c.threads } : {}),
  });
  const adapter = info.adapter ? adapterName(info.adapter) : null;
  log(
    `${c.id}: backend ${info.name}${adapter ? ` on ${adapter}` : ''}${info.threads ? `, ${info.threads} thread(s)` : ''}${info.wasmSimd ? `, fma ${info.wasmSimd.fma ? 'on' : 'off'}` : ''}`,
  );
  const skipped = spec.verbose ? describeSkippedBackends(info) : undefined;
  if (skipped) log(`${c.id}: ${skipped}`);

  const { config } = spec;
  const matmulShape: [number, number, number] = [
    batchSize * seqLen,
    config.hiddenSize,
    config.intermediateSize,
  ];
  // on a GPU a sample queues products for ~20 ms before it waits (see measureMatmulGflops)
  const rate = info.name === 'webgpu' ? { sampleMs: 20 } : {};
  const modelShapeGflops = await measureMatmulGflops(...matmulShape, rate);
  const squareGflops = await measureMatmulGflops(SQUARE_MATMUL, SQUARE_MATMUL, SQUARE_MATMUL, rate);
  log(`${c.id}: plain matmul ${modelShapeGflops.median.toFixed(1)} GFLOP/s`);

  const figures =
    c.workers > 1 ? await measureDataParallel(spec, log) : await measureOneThread(spec, log);
  return {
    backend: {
      name: info.name,
      tfBackend: info.tfBackend,
      versions: info.versions,
      threads: info.threads ?? (info.tfBackend === 'cpu' ? 1 : null),
      adapter,
      wasmSimd: info.wasmSimd ?? null,
    },
    matmul: { modelShape: matmulShape, modelShapeGflops, square: SQUARE_MATMUL, squareGflops },
    ...figures,
  };
}
