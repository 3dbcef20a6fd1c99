// Tensor memory now and at peak (tracked at every allocation), plus process RSS and, on a GPU
// backend, the bytes of its GPU buffers as the backend itself counts them.
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
  /**
   * Bytes of GPU memory the backend holds for tensors now (`tf.memory().numBytesInGPU`: webgpu,
   * webgl). On webgpu: the storage buffers of tensors whose values are on the GPU (4 bytes per
   * element, bool and int32 included; a reshape shares its buffer), plus the uniform and staging
   * buffers of work not yet submitted. A tensor made from values is uploaded at its first use.
   */
  gpuBytes?: number;
  /** Highest `gpuBytes` since the last `resetPeakMemory()`, exact per buffer acquired (webgpu only). */
  peakGpuBytes?: number;
  /** GPU bytes the backend has allocated, its pool of free buffers included (webgpu only). */
  gpuAllocatedBytes?: number;
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

interface WebGpuBufferManager {
  numBytesUsed: number;
  numBytesAllocated: number;
  acquireBuffer: (...args: unknown[]) => unknown;
  __reloraPeak?: { peak: number };
}

/**
 * The webgpu backend's buffer manager with its `acquireBuffer` wrapped like `trackTensor` above,
 * so the GPU peak is exact per buffer; undefined off webgpu. The wrap lives on the manager, so a
 * webgpu backend made again (after `releaseBackend`) is tracked afresh.
 */
export function installGpuPeakTracking(): WebGpuBufferManager | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined;
  const manager = (tf.backend() as unknown as { bufferManager?: WebGpuBufferManager })
    .bufferManager;
  if (!manager || typeof manager.acquireBuffer !== 'function') return undefined;
  if (manager.__reloraPeak) return manager;
  const tracker = { peak: manager.numBytesUsed };
  const original = manager.acquireBuffer;
  manager.acquireBuffer = function acquireBuffer(this: WebGpuBufferManager, ...args: unknown[]) {
    const buffer = original.apply(this, args);
    if (this.numBytesUsed > tracker.peak) tracker.peak = this.numBytesUsed;
    return buffer;
  };
  manager.__reloraPeak = tracker;
  return manager;
}

/** Starts a new peak window: the peak becomes the bytes held now (tensor and GPU bytes). */
export function resetPeakMemory(): void {
  installPeakTracking().peak = engineInternals().state.numBytes;
  const manager = installGpuPeakTracking();
  if (manager?.__reloraPeak) manager.__reloraPeak.peak = manager.numBytesUsed;
}

/**
 * Bytes held by tensors now and at peak since the last `resetPeakMemory()`, plus process RSS.
 * Counts as `tf.memory()` does: every live tensor's size, so a reshape of a tensor counts twice;
 * scratch memory inside kernels is not seen (the wasm heap size bounds it from above). On a GPU
 * backend also the GPU bytes the backend counts (`gpuBytes`; on webgpu its peak and its pool).
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
  const { numBytesInGPU } = tf.memory() as { numBytesInGPU?: number };
  if (typeof numBytesInGPU === 'number') report.gpuBytes = numBytesInGPU;
  const manager = installGpuPeakTracking();
  if (manager?.__reloraPeak) {
    manager.__reloraPeak.peak = Math.max(manager.__reloraPeak.peak, manager.numBytesUsed);
    report.peakGpuBytes = manager.__reloraPeak.peak;
    report.gpuAllocatedBytes = manager.numBytesAllocated;
  }
  return report;
}
