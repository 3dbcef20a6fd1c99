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
