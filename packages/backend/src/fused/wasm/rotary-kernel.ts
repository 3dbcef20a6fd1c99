// The rotary kernel for wasm: one SIMD pass over the heap instead of split, concat, two multiplies and an add.
import { ROTARY_KERNEL, rotaryValues } from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { heapFloats, heapOffset, internals } from '../../wasm/wasm-heap';
import { checkRotaryArgs } from '../rotary-args';
import { rotarySimdApply, rotarySimdOf } from './rotary-simd';

/**
 * {@link ROTARY_KERNEL} on wasm: a new [batch, seq, heads, headDim] tensor on the heap. Where half
 * a head is a multiple of 4 floats, the loop runs as WebAssembly SIMD on the heap itself
 * (PERF.md); otherwise, or where SIMD is unavailable, as the JS loop over heap views (same bits).
 */
export const rotaryConfig: tf.KernelConfig = {
  kernelName: ROTARY_KERNEL,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = internals(args.backend);
    const { x, cos, sin, dims } = checkRotaryArgs(args.inputs, 'wasm');
    const out = backend.makeOutput(x.shape, 'float32');
    const simd = rotarySimdOf(backend.wasm);
    const offset = (t: tf.TensorInfo) => heapOffset(backend, t);
    const offsets = { x: offset(x), cos: offset(cos), sin: offset(sin), out: offset(out) };
    if (!simd || !rotarySimdApply(simd, offsets, dims)) {
      // Views only after makeOutput: a malloc may grow the heap and detach older views.
      const view = (t: tf.TensorInfo) => heapFloats(backend, t);
      rotaryValues(view(x), view(cos), view(sin), view(out), dims);
    }
    return out;
  }) as unknown as tf.KernelFunc,
};
