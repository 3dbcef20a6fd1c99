// Small measuring tools for the child: a clock, a backend sync, seeded token batches, parameter and memory counts.
import { performance } from 'node:perf_hooks';
import { type MemoryReport, memoryReport } from '@relora/backend';
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

type Accounting = CaseMeasurement['memory']['accounting'];

// On webgpu the values live in GPU buffers, which the backend counts itself: a reshape shares its
// buffer and a tensor made from values holds none until its first use, so the engine's tensor
// bytes would not be what the GPU holds.
function accountingOf(report: MemoryReport): Accounting {
  return report.peakGpuBytes !== undefined ? 'gpu-buffers' : 'tensors';
}

/** Bytes held now, counted as {@link memoryFigures} counts them on the current backend. */
export function heldBytes(): number {
  const report = memoryReport();
  return accountingOf(report) === 'gpu-buffers' ? (report.gpuBytes ?? 0) : report.tensorBytes;
}

/**
 * A case's memory figures, read right after its timed steps: `report` is `memoryReport()` then,
 * `baselineBytes` the {@link heldBytes} before the model, `residentBytes` those held after warm-up
 * minus the baseline.
 */
export function memoryFigures(
  baselineBytes: number,
  residentBytes: number,
  numTensorsAfterWarmup: number,
  report: MemoryReport,
): CaseMeasurement['memory'] {
  const accounting = accountingOf(report);
  const peak = accounting === 'gpu-buffers' ? report.peakGpuBytes! : report.peakTensorBytes;
  const peakBytes = peak - baselineBytes;
  return {
    accounting,
    baselineBytes,
    residentBytes,
    peakBytes,
    activationBytes: Math.max(0, peakBytes - residentBytes),
    rssBytes: process.memoryUsage().rss,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    gpuBytes: report.gpuBytes ?? null,
    numTensorsAfterWarmup,
    numTensorsAfterSteps: tf.memory().numTensors,
    backendReport: report,
  };
}
