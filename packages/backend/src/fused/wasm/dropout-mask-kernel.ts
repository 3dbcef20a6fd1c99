// The dropout mask kernel for wasm: one SIMD pass writing straight into the output on the heap.
import { DROPOUT_MASK_KERNEL, dropoutMaskBits } from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { heapFloats, heapOffset, internals } from '../../wasm/wasm-heap';
import { checkDropoutMaskAttrs } from '../dropout-mask-args';
import { dropoutMaskSimdFill, dropoutMaskSimdOf } from './dropout-mask-simd';

/**
 * {@link DROPOUT_MASK_KERNEL} on wasm: a new float32 tensor [rows, cols] on the heap. Drawn in JS
 * and then copied in by `tf.tensor2d`, the masks cost a training step several times what the same
 * int32 arithmetic on 4 lanes, written in place, does (PERF.md). The last `n % 4` elements, and all
 * of them where SIMD is unavailable, take the JS loop.
 */
export const dropoutMaskConfig: tf.KernelConfig = {
  kernelName: DROPOUT_MASK_KERNEL,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = internals(args.backend);
    const attrs = checkDropoutMaskAttrs(args.attrs, 'wasm');
    const out = backend.makeOutput([attrs.rows, attrs.cols], 'float32');
    const n = attrs.rows * attrs.cols;
    const simd = dropoutMaskSimdOf(backend.wasm);
    const done = simd ? dropoutMaskSimdFill(simd, heapOffset(backend, out), n, attrs) : 0;
    if (done < n) {
      // A view only after makeOutput: its malloc may grow the heap and detach older views.
      const values = heapFloats(backend, out);
      dropoutMaskBits(new Int32Array(values.buffer, values.byteOffset, n), attrs, done);
    }
    return out;
  }) as unknown as tf.KernelFunc,
};
