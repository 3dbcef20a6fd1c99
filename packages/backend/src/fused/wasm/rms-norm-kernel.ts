// The RMSNorm kernels for wasm: one SIMD pass per row forward, two backward, instead of autodiff's
// ~6 kernels forward and ~12 backward.
import {
  RMS_NORM_GRAD_KERNEL,
  RMS_NORM_KERNEL,
  rmsNormGradValues,
  rmsNormValues,
} from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { heapFloats, heapOffset, internals } from '../../wasm/wasm-heap';
import { checkRmsNormArgs, checkRmsNormGradArgs } from '../rms-norm-args';
import {
  rmsNormGradSimdApply,
  rmsNormGradSimdOf,
  rmsNormSimdApply,
  rmsNormSimdOf,
} from './rms-norm-simd';

/**
 * {@link RMS_NORM_KERNEL} on wasm: `[y, invRms]`, new tensors on the heap. Where d is a multiple of
 * 4 the loop runs as WebAssembly SIMD on the heap itself (PERF.md); otherwise, or where
 * SIMD is unavailable, as the JS loop over heap views.
 */
export const rmsNormConfig: tf.KernelConfig = {
  kernelName: RMS_NORM_KERNEL,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = internals(args.backend);
    const { x, weight, epsilon, dims } = checkRmsNormArgs(args.inputs, args.attrs, 'wasm');
    const y = backend.makeOutput(x.shape, 'float32');
    const invRms = backend.makeOutput([dims.rows], 'float32');
    const simd = rmsNormSimdOf(backend.wasm);
    const offset = (t: tf.TensorInfo) => heapOffset(backend, t);
    const offsets = { x: offset(x), weight: offset(weight), y: offset(y), invRms: offset(invRms) };
    if (!simd || !rmsNormSimdApply(simd, offsets, dims, epsilon)) {
      // Views only after makeOutput: a malloc may grow the heap and detach older views.
      const view = (t: tf.TensorInfo) => heapFloats(backend, t);
      rmsNormValues(view(x), view(weight), view(y), view(invRms), dims, epsilon);
    }
    return [y, invRms];
  }) as unknown as tf.KernelFunc,
};

/** {@link RMS_NORM_GRAD_KERNEL} on wasm: `[dx, dWeight]`, new tensors on the heap (SIMD as above). */
export const rmsNormGradConfig: tf.KernelConfig = {
  kernelName: RMS_NORM_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = internals(args.backend);
    const { dy, x, weight, invRms, dims } = checkRmsNormGradArgs(args.inputs, 'wasm');
    const dx = backend.makeOutput(x.shape, 'float32');
    const dWeight = backend.makeOutput([dims.d], 'float32');
    const simd = rmsNormGradSimdOf(backend.wasm);
    const offset = (t: tf.TensorInfo) => heapOffset(backend, t);
    const offsets = {
      dy: offset(dy),
      x: offset(x),
      weight: offset(weight),
      invRms: offset(invRms),
      dx: offset(dx),
      dWeight: offset(dWeight),
    };
    if (!simd || !rmsNormGradSimdApply(simd, offsets, dims)) {
      const view = (t: tf.TensorInfo) => heapFloats(backend, t);
      rmsNormGradValues(
        view(dy),
        view(x),
        view(weight),
        view(invRms),
        view(dx),
        view(dWeight),
        dims,
      );
    }
    return [dx, dWeight];
  }) as unknown as tf.KernelFunc,
};
