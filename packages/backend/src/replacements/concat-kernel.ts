// Concat for wasm: per-row copies with tight loops (the stock kernel allocates a view per row and input).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../kernel-args';
import { internals } from '../wasm/wasm-heap';
import { copyRun, type HeapArray } from './copy-runs';

export function makeConcatConfig(): tf.KernelConfig {
  const fallback = tf.getKernel(tf.Concat, 'wasm')?.kernelFunc;
  return {
    kernelName: tf.Concat,
    backendName: 'wasm',
    kernelFunc: ((args: KernelArgs) => {
      const all = args.inputs as unknown as tf.TensorInfo[];
      if (all[0]!.dtype === 'string' && fallback) return fallback(args as never);
      const backend = internals(args.backend);
      const axis = tf.util.parseAxisParam(
        (args.attrs as unknown as tf.ConcatAttrs).axis,
        all[0]!.shape,
      )[0]!;
      tf.backend_util.assertParamsConsistent(
        all.map((t) => t.shape),
        axis,
      );
      const outShape = tf.backend_util.computeOutShape(
        all.map((t) => t.shape),
        axis,
      );
      const inputs = all.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
      const out = backend.makeOutput(outShape, all[0]!.dtype);
      if (inputs.length === 0) return out;
      const rows = tf.util.sizeFromShape(inputs[0]!.shape.slice(0, axis));
      const widths = inputs.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
      const rowWidth = widths.reduce((a, b) => a + b, 0);
      const srcs = inputs.map((t) => backend.typedArrayFromHeap(t) as HeapArray);
      const dst = backend.typedArrayFromHeap(out) as HeapArray;
      for (let r = 0; r < rows; r++) {
        let offset = r * rowWidth;
        for (let i = 0; i < srcs.length; i++) {
          copyRun(dst, offset, srcs[i]!, r * widths[i]!, widths[i]!);
          offset += widths[i]!;
        }
      }
      return out;
    }) as unknown as tf.KernelFunc,
  };
}
