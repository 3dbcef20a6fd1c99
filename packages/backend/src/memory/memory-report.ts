// Tensor memory now and at peak (tracked at every allocation), plus process RSS.
import * as tf from '@tensorflow/tfjs-core';

/** A snapshot of memory use, in bytes. */
export interface MemoryReport {
  /** Bytes held by live tensors now (`tf.memory().numBytes`). */
  tensorBytes: number;
  /** Highest `tensorBytes` seen since the last `resetPeakMemory()` (or since `initBackend`). */
  peakTensorBytes: number;
  /** Live tensors now (`tf.memory().numTensors`). */
  numTensors: number;
  /** Resident set size of the process, where `process.memoryUsage` exists (Node); else undefined. */
  rssBytes?: number;
  /** Size of the wasm heap (it only grows), when the current backend is wasm. */
  wasmHeapBytes?: number;
}

interface EngineInternals {
  state: { numBytes: number };
  trackTensor: (...args: unknown[]) => void;
  __reloraPeak?: { peak: number };
}

function engineInternals(): EngineInternals {
  return tf.engine() as unknown as EngineInternals;
}

/**
 * Wraps the engine's `trackTensor` (called for every tensor a kernel or `tf.tensor` makes) so the
 * peak is exact at allocation granularity, not sampled. Idempotent; costs one compare per tensor.
 */
export function installPeakTracking(): { peak: number } {
  const engine = engineInternals();
  if (engine.__reloraPeak) return engine.__reloraPeak;
  const tracker = { peak: engine.state.numBytes };
  const original = engine.trackTensor;
  engine.trackTensor = function trackTensor(this: EngineInternals, ...args: unknown[]) {
    original.apply(this, args);
    if (this.state.numBytes > tracker.peak) tracker.peak = this.state.numBytes;
  };
  engine.__reloraPeak = tracker;
  return tracker;
}

/** Starts a new peak window: the peak becomes the bytes held now. */
export function resetPeakMemory(): void {
  installPeakTracking().peak = engineInternals().state.numBytes;
}

/**
 * Bytes held by tensors now and at peak since the last `resetPeakMemory()`, plus process RSS.
 * Counts as `tf.memory()` does: every live tensor's size, so a reshape of a tensor counts twice;
 * scratch memory inside kernels is not seen (the wasm heap size bounds it from above).
 */
export function memoryReport(): MemoryReport {
  const tracker = installPeakTracking();
  const { numBytes, numTensors } = tf.memory();
  tracker.peak = Math.max(tracker.peak, numBytes);
  const report: MemoryReport = { tensorBytes: numBytes, peakTensorBytes: tracker.peak, numTensors };
  const proc = (globalThis as { process?: { memoryUsage?: () => { rss: number } } }).process;
  if (typeof proc?.memoryUsage === 'function') report.rssBytes = proc.memoryUsage().rss;
  if (tf.getBackend() === 'wasm') {
    const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
    if (wasm?.HEAPU8) report.wasmHeapBytes = wasm.HEAPU8.length;
  }
  return report;
}
