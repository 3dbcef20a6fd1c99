// Measures a data-parallel case (w > 1 worker threads, one whole micro-batch each per step) in this process.
import { memoryReport, resetPeakMemory } from '@relora/backend';
import { createLlama } from '@relora/llama';
import {
  type GradientSource,
  Trainer,
  type TrainerOptions,
  type TrainSource,
} from '@relora/trainer';
import { DataParallelGradients } from '@relora/trainer/node';
import * as tf from '@tensorflow/tfjs-core';
import type { CaseSpec, StepFigures, TwoThreadCeiling } from './case-schema';
import {
  countModel,
  heldBytes,
  memoryFigures,
  now,
  syncOn,
  syntheticBatch,
  warmUp,
} from './measure-kit';
import { summarize } from './stats';
import { measureTwoThreadCeiling } from './two-thread-ceiling';

/** Update steps no bench case reaches: the run's length, and the restart period of relora. */
const NEVER = 1_000_000;

/**
 * The bench's step through the Trainer: w micro-batches of `batchSize` rows per update step
 * (`totalBatchSize` = w x batchSize), clipping to norm 1, AdamW, the LoRA phase from step 0
 * (`warmStartSteps` 0) and no restart in reach. `lora` cases run as `relora` with no restart: the
 * same step, where the Trainer's `lora` mode from scratch would drop the frozen weights
 * (`loraOnly`, as the reference does), which the bench's one-thread `lora` case keeps.
 */
export function workersTrainerOptions(spec: CaseSpec): Partial<TrainerOptions> {
  const { case: c } = spec;
  return {
    mode: c.mode === 'full' ? 'full' : 'relora',
    numTrainingSteps: NEVER,
    batchSize: spec.batchSize,
    totalBatchSize: c.workers * spec.batchSize,
    maxLength: spec.seqLen,
    lr: 1e-3,
    scheduler: 'cosine',
    warmupSteps: 0,
    clipGradNorm: 1,
    warmStartSteps: 0,
    relora: c.mode === 'full' ? null : NEVER,
    cycleLength: null,
    ...(c.rank !== null ? { loraR: c.rank } : {}),
    loraAlpha: spec.loraAlpha,
    loraDropout: spec.loraDropout,
    evalEvery: 0,
    saveEvery: 0,
    seed: spec.seed,
  };
}

/**
 * `count` seeded micro-batches, handed out in turn as copies (the gradient source disposes them).
 * The bench never checkpoints, so the source has no data cursor.
 */
function syntheticSource(spec: CaseSpec, count: number) {
  const batches = Array.from({ length: count }, (_, k) =>
    syntheticBatch(spec.batchSize, spec.seqLen, spec.config.vocabSize, spec.seed + k),
  );
  let taken = 0;
  const source: TrainSource = {
    next: () => {
      const b = batches[taken++ % count]!;
      return { inputIds: tf.clone(b.inputIds), targets: tf.clone(b.targets) };
    },
    cursor: () => {
      throw new Error('bench: synthetic batches have no data cursor');
    },
    restore: () => {
      throw new Error('bench: synthetic batches have no data cursor');
    },
  };
  return { source, dispose: () => tf.dispose(batches.flatMap((b) => [b.inputIds, b.targets])) };
}

/**
 * Runs `spec`'s case on `spec.case.workers` threads (the main thread one of them) through a
 * Trainer with `DataParallelGradients`; the two-thread ceiling is measured just before and just
 * after the timed steps. Tensor memory is the main thread's; restarts are not timed.
 */
export async function measureDataParallel(
  spec: CaseSpec,
  log: (line: string) => void,
): Promise<StepFigures> {
  const { case: c } = spec;
  if (c.threads !== null && c.threads > 1)
    throw new Error(`${c.id}: data-parallel workers run one backend thread each, not ${c.threads}`);
  const dp = await DataParallelGradients.start({ workers: c.workers, modelConfig: spec.config });
  const { source, dispose } = syntheticSource(spec, c.workers);
  try {
    const baselineBytes = heldBytes();
    const model = createLlama(spec.config, { seed: spec.seed });
    // The gradient source's end splits each step into gradients and clipping + AdamW.
    let gradsDone = 0;
    const losses: number[] = [];
    const timed: GradientSource = {
      async gradients(trainer) {
        const g = await dp.gradients(trainer);
        const last = Object.values(g.grads).at(-1);
        if (last) await syncOn(last);
        gradsDone = now();
        losses.push(g.loss);
        return g;
      },
    };
    const options = workersTrainerOptions(spec);
    const trainer = new Trainer({ model, train: source, options, gradients: timed });
    const trainable = model.namedParameters().filter(([, v]) => v.trainable);
    const lastVariable = trainable[trainable.length - 1]![1];
    const step = async () => {
      const start = now();
      await trainer.step();
      await syncOn(lastVariable);
      return { gradMs: gradsDone - start, optimizerMs: now() - gradsDone };
    };

    const warmupStepsRun = await warmUp(spec, step);
    const residentBytes = heldBytes() - baselineBytes;
    const numTensorsAfterWarmup = tf.memory().numTensors;
    const ceilings: TwoThreadCeiling[] = [
      { at: 'before-steps', ...(await measureTwoThreadCeiling()) },
    ];
    log(
      `${c.id}: warm-up done (${warmupStepsRun} steps), ${spec.steps} measured steps on ${c.workers} threads`,
    );

    resetPeakMemory();
    const gradMs: number[] = [];
    const optimizerMs: number[] = [];
    for (let i = 0; i < spec.steps; i++) {
      const t = await step();
      gradMs.push(t.gradMs);
      optimizerMs.push(t.optimizerMs);
    }
    const memory = memoryFigures(
      baselineBytes,
      residentBytes,
      numTensorsAfterWarmup,
      memoryReport(),
    );
    ceilings.push({ at: 'after-steps', ...(await measureTwoThreadCeiling()) });
    if (trainer.nLoraRestarts > 0 || (c.mode !== 'full' && trainer.phase !== 'lora'))
      throw new Error(`${c.id}: the measured steps left the LoRA phase or restarted`);
    const params = countModel(model.namedParameters());
    model.dispose();
    trainer.optimizer.dispose();
    return {
      params,
      memory,
      timing: {
        stepMs: summarize(gradMs.map((g, i) => g + optimizerMs[i]!)),
        gradMs: summarize(gradMs),
        optimizerMs: summarize(optimizerMs),
        forwardMs: null,
        mergeMs: null,
        resetMs: null,
      },
      reset: null,
      loss: { first: losses[0] ?? Number.NaN, last: losses[losses.length - 1] ?? Number.NaN },
      twoThreadCeiling: ceilings,
      gpuWork: null, // workers run on wasm or cpu
      warmupStepsRun,
    };
  } finally {
    dispose();
    await dp.close();
  }
}
