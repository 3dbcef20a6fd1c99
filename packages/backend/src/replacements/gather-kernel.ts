// GatherV2 for wasm: whole rows copied on the heap (the stock kernel spent more on a step's
// embedding lookup than on all of its softmaxes; PERF.md).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../kernel-args';
import { internals } from '../wasm/wasm-heap';
import { copyRun, type HeapArray } from './copy-runs';

// tf.gather admits numeric x only (float32, int32, bool: all on the heap) and casts indices to int32.
export const gatherConfig: tf.KernelConfig = {
  kernelName: tf.GatherV2,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims = 0 } = args.attrs as unknown as tf.GatherV2Attrs;
    const backend = internals(args.backend);
    const at = tf.util.parseAxisParam(axis, x.shape)[0]!;
    // x [batch..., outer..., dim, inner...], indices [batch..., picks...] (tf.gather's batchDims)
    const batch = tf.util.sizeFromShape(x.shape.slice(0, batchDims));
    const outer = tf.util.sizeFromShape(x.shape.slice(batchDims, at));
    const dim = x.shape[at]!;
    const inner = tf.util.sizeFromShape(x.shape.slice(at + 1));
    const picks = tf.util.sizeFromShape(indices.shape.slice(batchDims));
    const ids = backend.typedArrayFromHeap(indices) as Int32Array;
    for (const id of ids) {
      // The cpu backend's check and message: an index out of range is an error, not garbage.
      if (id < 0 || id >= dim) {
        throw new Error(`GatherV2: the index value ${id} is not in [0, ${dim - 1}]`);
      }
    }
    const out = backend.makeOutput(
      [...x.shape.slice(0, at), ...indices.shape.slice(batchDims), ...x.shape.slice(at + 1)],
      x.dtype,
    );
    // Views after makeOutput: its malloc may grow (and detach) the heap.
    const src = backend.typedArrayFromHeap(x) as HeapArray;
    const dst = backend.typedArrayFromHeap(out) as HeapArray;
    const from = backend.typedArrayFromHeap(indices) as Int32Array;
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < outer; o++) {
        const row = (b * outer + o) * dim;
        for (let i = 0; i < picks; i++) {
          const s = (row + from[b * picks + i]!) * inner;
          const d = ((b * outer + o) * picks + i) * inner;
          copyRun(dst, d, src, s, inner);
        }
      }
    }
    return out;
  }) as unknown as tf.KernelFunc,
};
