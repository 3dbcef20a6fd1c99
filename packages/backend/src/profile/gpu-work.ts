// Counts the work a webgpu step hands the GPU: dispatches, queue submits, CPU-GPU syncs, uploads and
// new buffers. A GPU step is fast when it launches few programs and never waits (issue 18): these
// counts do not depend on the GPU, so they can be measured and cut on a software adapter.
//
// The counters wrap methods of the backend instance (tfjs-backend-webgpu 4.22 has none of its
// own): `recordAndSubmit` records one `dispatchWorkgroups`, `submitQueue` one `queue.submit`,
// `getBufferData` and `readSync` each wait for the queue (`mapAsync`), `uploadToGPU` writes values
// made on the CPU, and `acquireBuffer` creates a buffer when its pool has none of that size.
import * as tf from '@tensorflow/tfjs-core';
import { installGpuPeakTracking } from '../memory/memory-report';

/** Work handed to the GPU between two reads of a {@link GpuWorkCounter}. */
export interface GpuWorkCounts {
  /** Compute programs launched (one `dispatchWorkgroups` each). */
  dispatches: number;
  /** Command buffers submitted to the queue (the backend submits every 15 dispatches and at reads). */
  submits: number;
  /** Waits of the CPU for the GPU: reads of a tensor's values back (`mapAsync`). */
  syncs: number;
  /** Tensors whose values were made on the CPU and written to a GPU buffer. */
  uploads: number;
  /** GPU buffers created because the backend's pool had none free of that size and usage. */
  bufferCreations: number;
  /** Dispatches by program (its class name, or the shader key's first word for programs of ours). */
  byProgram: Record<string, number>;
}

/** Live counts of the webgpu backend's work; {@link countGpuWork} starts one. */
export interface GpuWorkCounter {
  /** The counts since the counter started or was last reset. */
  read(): GpuWorkCounts;
  /** Starts counting from zero again. */
  reset(): void;
  /** Removes the wraps: the backend runs as before. */
  stop(): void;
}

// biome-ignore lint/suspicious/noExplicitAny: the backend's internals are untyped here.
type Any = any;

const WRAPPED = ['recordAndSubmit', 'submitQueue', 'getBufferData', 'readSync', 'uploadToGPU'];

function zero(): GpuWorkCounts {
  return { dispatches: 0, submits: 0, syncs: 0, uploads: 0, bufferCreations: 0, byProgram: {} };
}

// What a dispatch is called in byProgram: tfjs programs are classes (MatMulPackedProgram); ours
// are plain objects whose shader key starts `relora_<name>_...`.
function programName(program: Any): string {
  const cls = program?.constructor?.name;
  if (cls && cls !== 'Object') return cls;
  const key = String(program?.shaderKey ?? 'unknown');
  return key
    .split(/[^A-Za-z0-9]/)
    .slice(0, 2)
    .join('_');
}

/**
 * Starts counting the current webgpu backend's work; null when the backend is not webgpu. One
 * counter at a time per backend: a second call while one runs throws.
 */
export function countGpuWork(): GpuWorkCounter | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const backend = tf.backend() as Any;
  if (backend.__reloraGpuWork) throw new Error('countGpuWork: a counter is already running');
  // the peak tracker's wrap goes on first, so stopping this counter leaves it in place
  installGpuPeakTracking();
  const manager = backend.bufferManager as Any;
  let counts = zero();
  const originals: Record<string, unknown> = {};
  for (const name of WRAPPED) originals[name] = backend[name];
  const originalAcquire = manager.acquireBuffer;

  const call = (name: string, self: unknown, args: unknown[]) =>
    (originals[name] as (...a: unknown[]) => unknown).apply(self, args);
  backend.recordAndSubmit = function (this: Any, ...args: unknown[]) {
    counts.dispatches++;
    const name = programName(args[0]);
    counts.byProgram[name] = (counts.byProgram[name] ?? 0) + 1;
    return call('recordAndSubmit', this, args);
  };
  backend.submitQueue = function (this: Any, ...args: unknown[]) {
    counts.submits++;
    return call('submitQueue', this, args);
  };
  backend.getBufferData = function (this: Any, ...args: unknown[]) {
    counts.syncs++;
    return call('getBufferData', this, args);
  };
  backend.readSync = function (this: Any, ...args: unknown[]) {
    // a synchronous read of values already on the CPU waits for nothing
    if (this.tensorMap.get(args[0])?.values == null) counts.syncs++;
    return call('readSync', this, args);
  };
  backend.uploadToGPU = function (this: Any, ...args: unknown[]) {
    const data = this.tensorMap.get(args[0]);
    if (data && data.resource == null && data.values != null) counts.uploads++;
    return call('uploadToGPU', this, args);
  };
  manager.acquireBuffer = function (this: Any, ...args: unknown[]) {
    const before = this.numBytesAllocated;
    const buffer = originalAcquire.apply(this, args);
    if (this.numBytesAllocated > before) counts.bufferCreations++;
    return buffer;
  };
  backend.__reloraGpuWork = true;

  return {
    read: () => ({ ...counts, byProgram: { ...counts.byProgram } }),
    reset: () => {
      counts = zero();
    },
    stop: () => {
      for (const name of WRAPPED) backend[name] = originals[name];
      manager.acquireBuffer = originalAcquire;
      delete backend.__reloraGpuWork;
    },
  };
}
