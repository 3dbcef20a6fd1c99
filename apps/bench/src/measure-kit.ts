// Small measuring tools for the child: a clock, a backend sync, seeded token batches, parameter and memory counts.
import { performance } from 'node:perf_hooks';
import type { memoryReport } from '@relora/backend';
import { mulberry32 } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import type { CaseMeasurement, CaseSpec } from './case-schema';
import { STEADY_STATE_WARMUP_STEPS } from './options';

/** Milliseconds on a monotonic clock. */
export const now = (): number => performance.now();

/**
 * Waits until the backend has computed `t` and everything queued before it. Reading a reduction
 * of it is enough on in-order backends (GPU streams included) and costs one small kernel.
 */
export async function syncOn(t: tf.Tensor): Promise<void> {
  const probe = tf.tidy(() => tf.sum(t));
  await probe.data();
  probe.dispose();
}

/** Times `f` (which must leave the backend idle when its promise resolves), in milliseconds. */
export async function timeMs(f: () => Promise<void>): Promise<number> {
  const start = now();
  await f();
  return now() - start;
}

/**
 * Runs `step` untimed: `spec.warmupSteps` times, then on until {@link STEADY_STATE_WARMUP_STEPS}
 * steps or `spec.warmupSec` seconds, whichever comes first. Returns how many steps ran.
 */
export async function warmUp(
  spec: Pick<CaseSpec, 'warmupSteps' | 'warmupSec'>,
  step: () => Promise<unknown>,
): Promise<number> {
  const start = now();
  let steps = 0;
  const settling = () => steps < STEADY_STATE_WARMUP_STEPS && now() - start < spec.warmupSec * 1000;
  while (steps < spec.warmupSteps || settling()) {
    await step();
    steps++;
  }
  return steps;
}

/**
 * Random tokens shaped like a training batch: inputIds and targets int32 [batch, seqLen]. Speed and
 * memory do not depend on the token values, so no corpus is read.
 */
export function syntheticBatch(
  batch: number,
  seqLen: number,
  vocabSize: number,
  seed: number,
): { inputIds: tf.Tensor2D; targets: tf.Tensor2D } {
  const random = mulberry32(seed);
  const tokens = Int32Array.from({ length: batch * (seqLen + 1) }, () =>
    Math.floor(random() * vocabSize),
  );
  const rows = (offset: number) => {
    const out = new Int32Array(batch * seqLen);
    for (let b = 0; b < batch; b++) {
      const start = b * (seqLen + 1) + offset;
      out.set(tokens.subarray(start, start + seqLen), b * seqLen);
    }
    return tf.tensor2d(out, [batch, seqLen], 'int32');
  };
  return { inputIds: rows(0), targets: rows(1) };
}

/** Parameters of a model's own variables: all, trainable, frozen, and LoRA factors by name. */
export function countModel(named: Array<[string, tf.Variable]>): CaseMeasurement['params'] {
  let total = 0;
  let trainable = 0;
  let lora = 0;
  for (const [name, v] of named) {
    total += v.size;
    if (v.trainable) trainable += v.size;
    if (name.includes('.lora_')) lora += v.size;
  }
  return { total, trainable, frozen: total - trainable, lora };
}

/**
 * A case's memory figures, read right after its timed steps: `report` is `memoryReport()` then,
 * `baselineBytes` the tensor bytes before the model, `residentBytes` those held after warm-up.
 */
export function memoryFigures(
  baselineBytes: number,
  residentBytes: number,
  numTensorsAfterWarmup: number,
  report: ReturnType<typeof memoryReport>,
): CaseMeasurement['memory'] {
  const peakBytes = report.peakTensorBytes - baselineBytes;
  const gpu = (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU;
  return {
    baselineBytes,
    residentBytes,
    peakBytes,
    activationBytes: Math.max(0, peakBytes - residentBytes),
    rssBytes: process.memoryUsage().rss,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    gpuBytes: typeof gpu === 'number' ? gpu : null,
    numTensorsAfterWarmup,
    numTensorsAfterSteps: tf.memory().numTensors,
    backendReport: report,
  };
}
