// The wasm backend's internals the kernels here use: heap offsets, allocation, typed views.

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type * as tf from '@tensorflow/tfjs-core';

interface WasmModule {
  cwrap: (name: string, ret: null, args: string[]) => (...args: unknown[]) => void;
  tfjs: { disposeData: (id: number) => void };
}

interface DataInfo {
  id: number;
  memoryOffset: number;
}

/** The backend's internals this package relies on (stable across tfjs-backend-wasm 4.x). */
export interface WasmInternals {
  wasm: WasmModule;
  dataIdMap: { get: (dataId: tf.DataId) => DataInfo; delete: (dataId: tf.DataId) => void };
  makeOutput: BackendWasm['makeOutput'];
  disposeData: BackendWasm['disposeData'];
  typedArrayFromHeap: BackendWasm['typedArrayFromHeap'];
}

export const internals = (backend: unknown) => backend as WasmInternals;

/** Byte offset of `t`'s data on the heap. */
export function heapOffset(backend: WasmInternals, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/**
 * A float32 view of `t`'s data on the heap. Take views after the call's last `makeOutput`: its
 * malloc may grow the heap and detach views taken before.
 */
export function heapFloats(backend: WasmInternals, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}
