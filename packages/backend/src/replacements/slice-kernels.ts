// Slice and SplitV for wasm: strided copies straight from the heap (the stock ones copy the whole input first).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../kernel-args';
import { internals, type WasmInternals } from '../wasm/wasm-heap';
import { copyBox, type HeapArray } from './copy-runs';

// Strings keep tfjs' own kernels; only numeric tensors live on the heap.
const stock = (name: string) => tf.getKernel(name, 'wasm')?.kernelFunc;

function sliceBox(
  backend: WasmInternals,
  x: tf.TensorInfo,
  begin: number[],
  size: number[],
): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // Views after makeOutput: its malloc may grow (and detach) the heap.
  copyBox(
    backend.typedArrayFromHeap(x) as HeapArray,
    x.shape,
    begin,
    size,
    backend.typedArrayFromHeap(out) as HeapArray,
  );
  return out;
}

export function makeSliceConfig(): tf.KernelConfig {
  const fallback = stock(tf.Slice);
  return {
    kernelName: tf.Slice,
    backendName: 'wasm',
    kernelFunc: ((args: KernelArgs) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string' && fallback) return fallback(args as never);
      const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
      const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size) as [
        number[],
        number[],
      ];
      return sliceBox(internals(args.backend), x, begin_, size_);
    }) as unknown as tf.KernelFunc,
  };
}

export function makeSplitVConfig(): tf.KernelConfig {
  const fallback = stock(tf.SplitV);
  return {
    kernelName: tf.SplitV,
    backendName: 'wasm',
    kernelFunc: ((args: KernelArgs) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string' && fallback) return fallback(args as never);
      const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
      const $axis = tf.util.parseAxisParam(axis, x.shape)[0]!;
      const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
      const begin = new Array<number>(x.shape.length).fill(0);
      return sizes.map((s) => {
        const size = [...x.shape];
        size[$axis] = s;
        const piece = sliceBox(internals(args.backend), x, [...begin], size);
        begin[$axis]! += s;
        return piece;
      });
    }) as unknown as tf.KernelFunc,
  };
}
