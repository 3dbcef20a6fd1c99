// The cross-entropy kernels for the cpu backend: one loop over the backend's own arrays each.
import {
  CROSS_ENTROPY_GRAD_KERNEL,
  CROSS_ENTROPY_KERNEL,
  crossEntropyGradValues,
  crossEntropyValues,
} from '@relora/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { checkCrossEntropyArgs, checkCrossEntropyGradArgs } from '../cross-entropy-args';
import { cpuFloats } from './cpu-arrays';

const ints = (backend: MathBackendCPU, t: tf.TensorInfo) =>
  backend.readSync(t.dataId) as Int32Array;

/** {@link CROSS_ENTROPY_KERNEL} on cpu: `[loss, logSumExp]`, new tensors. */
export const crossEntropyCpuConfig: tf.KernelConfig = {
  kernelName: CROSS_ENTROPY_KERNEL,
  backendName: 'cpu',
  kernelFunc: ((args: KernelArgs) => {
    const backend = args.backend as MathBackendCPU;
    const { logits, targets, weights, dims } = checkCrossEntropyArgs(args.inputs, 'cpu');
    const logSumExp = new Float32Array(dims.rows);
    const loss = crossEntropyValues(
      cpuFloats(backend, logits),
      ints(backend, targets),
      cpuFloats(backend, weights),
      logSumExp,
      dims,
    );
    return [
      backend.makeTensorInfo([], 'float32', Float32Array.of(loss)),
      backend.makeTensorInfo([dims.rows], 'float32', logSumExp),
    ];
  }) as unknown as tf.KernelFunc,
};

/** {@link CROSS_ENTROPY_GRAD_KERNEL} on cpu: dLogits, a new tensor. */
export const crossEntropyGradCpuConfig: tf.KernelConfig = {
  kernelName: CROSS_ENTROPY_GRAD_KERNEL,
  backendName: 'cpu',
  kernelFunc: ((args: KernelArgs) => {
    const backend = args.backend as MathBackendCPU;
    const { logits, targets, scale, logSumExp, dims } = checkCrossEntropyGradArgs(
      args.inputs,
      'cpu',
    );
    const dLogits = new Float32Array(dims.rows * dims.vocab);
    crossEntropyGradValues(
      cpuFloats(backend, logits),
      ints(backend, targets),
      cpuFloats(backend, scale),
      cpuFloats(backend, logSumExp),
      dLogits,
      dims,
    );
    return backend.makeTensorInfo(logits.shape, 'float32', dLogits);
  }) as unknown as tf.KernelFunc,
};
