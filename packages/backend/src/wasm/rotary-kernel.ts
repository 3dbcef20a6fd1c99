// The rotary kernel for wasm: one pass over the heap instead of split, concat, two multiplies and an add.
import type * as tf from '@tensorflow/tfjs-core';
import { checkRotaryArgs, ROTARY_KERNEL, rotaryValues } from '../kernels/rotary';
import { internals } from './wasm-heap';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

/** {@link ROTARY_KERNEL} on wasm: a new [batch, seq, heads, headDim] tensor on the heap. */
export const rotaryConfig: tf.KernelConfig = {
  kernelName: ROTARY_KERNEL,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = internals(args.backend);
    const { x, cos, sin, dims } = checkRotaryArgs(args.inputs, 'wasm');
    const out = backend.makeOutput(x.shape, 'float32');
    // Views only after makeOutput: a malloc may grow the heap and detach older views.
    const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    rotaryValues(view(x), view(cos), view(sin), view(out), dims);
    return out;
  }) as unknown as tf.KernelFunc,
};
