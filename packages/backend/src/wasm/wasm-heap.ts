// Views into the wasm backend's heap: tensor infos that alias part of another tensor's memory.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

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

/** The C++ side's id of a tensor's data. */
export function tensorId(backend: WasmInternals, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).id;
}

/**
 * A float32 tensor info over `shape`'s worth of `parent`'s memory from element `offset` on. No copy
 * and no allocation; release it with {@link releaseView}, never `disposeData` (which would free
 * the parent's memory).
 */
export function makeView(backend: WasmInternals, parent: tf.TensorInfo, offset: number, shape: number[]): tf.TensorInfo {
  const base = backend.dataIdMap.get(parent.dataId).memoryOffset;
  return backend.makeOutput(shape, 'float32', base + offset * 4);
}

/** Forgets a view made by {@link makeView} (C++ side included, which drops cached XNNPACK operators). */
export function releaseView(backend: WasmInternals, view: tf.TensorInfo): void {
  backend.wasm.tfjs.disposeData(tensorId(backend, view));
  backend.dataIdMap.delete(view.dataId);
}
