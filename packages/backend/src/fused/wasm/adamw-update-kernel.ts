// The fused AdamW update for wasm: one SIMD pass over the heap, no copies.
import { ADAMW_UPDATE_KERNEL, adamwUpdateValues } from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { heapFloats, heapOffset, internals } from '../../wasm/wasm-heap';
import { checkAdamWUpdateArgs } from '../adamw-update-args';
import { adamwSimdOf, adamwSimdUpdate } from './adamw-simd';

/**
 * {@link ADAMW_UPDATE_KERNEL} on wasm: `[paramNext, mNext, vNext]`, new tensors on the heap.
 * The loop runs as WebAssembly SIMD on the heap itself: as plain JS over heap views it was slower
 * than the ops path's 14 kernels, which are XNNPACK's SIMD loops (PERF.md).
 * The last `n % 4` elements, and all of them where SIMD is unavailable, take the JS loop.
 */
export const adamwUpdateConfig: tf.KernelConfig = {
  kernelName: ADAMW_UPDATE_KERNEL,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = internals(args.backend);
    const { param, grad, m, v, attrs } = checkAdamWUpdateArgs(args.inputs, args.attrs, 'wasm');
    const outs = [param, m, v].map(() => backend.makeOutput(param.shape, 'float32'));
    const n = param.shape.reduce((a, b) => a * b, 1);
    const simd = adamwSimdOf(backend.wasm);
    let done = 0;
    if (simd) {
      const offset = (t: tf.TensorInfo) => heapOffset(backend, t);
      done = adamwSimdUpdate(
        simd,
        {
          param: offset(param),
          grad: offset(grad),
          m: offset(m),
          v: offset(v),
          paramOut: offset(outs[0]!),
          mOut: offset(outs[1]!),
          vOut: offset(outs[2]!),
        },
        n,
        attrs,
      );
    }
    if (done < n) {
      // Views only after every output exists: a malloc may grow the heap and detach older views.
      const view = (t: tf.TensorInfo) => heapFloats(backend, t).subarray(done);
      adamwUpdateValues(
        { param: view(param), grad: view(grad), m: view(m), v: view(v) },
        { param: view(outs[0]!), m: view(outs[1]!), v: view(outs[2]!) },
        attrs,
      );
    }
    return outs;
  }) as unknown as tf.KernelFunc,
};
