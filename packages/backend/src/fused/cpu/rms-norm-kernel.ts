// The RMSNorm kernels for the cpu backend: one pass over the backend's own arrays each.
import {
  RMS_NORM_GRAD_KERNEL,
  RMS_NORM_KERNEL,
  rmsNormGradValues,
  rmsNormValues,
} from '@relora/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { checkRmsNormArgs, checkRmsNormGradArgs } from '../rms-norm-args';
import { cpuFloats } from './cpu-arrays';

const reader = (backend: MathBackendCPU) => (t: tf.TensorInfo) => cpuFloats(backend, t);

/** {@link RMS_NORM_KERNEL} on cpu: `[y, invRms]`, new tensors. */
export const rmsNormCpuConfig: tf.KernelConfig = {
  kernelName: RMS_NORM_KERNEL,
  backendName: 'cpu',
  kernelFunc: ((args: KernelArgs) => {
    const backend = args.backend as MathBackendCPU;
    const { x, weight, epsilon, dims } = checkRmsNormArgs(args.inputs, args.attrs, 'cpu');
    const read = reader(backend);
    const y = new Float32Array(dims.rows * dims.d);
    const invRms = new Float32Array(dims.rows);
    rmsNormValues(read(x), read(weight), y, invRms, dims, epsilon);
    return [
      backend.makeTensorInfo(x.shape, 'float32', y),
      backend.makeTensorInfo([dims.rows], 'float32', invRms),
    ];
  }) as unknown as tf.KernelFunc,
};

/** {@link RMS_NORM_GRAD_KERNEL} on cpu: `[dx, dWeight]`, new tensors. */
export const rmsNormGradCpuConfig: tf.KernelConfig = {
  kernelName: RMS_NORM_GRAD_KERNEL,
  backendName: 'cpu',
  kernelFunc: ((args: KernelArgs) => {
    const backend = args.backend as MathBackendCPU;
    const { dy, x, weight, invRms, dims } = checkRmsNormGradArgs(args.inputs, 'cpu');
    const read = reader(backend);
    const dx = new Float32Array(dims.rows * dims.d);
    const dWeight = new Float32Array(dims.d);
    rmsNormGradValues(read(dy), read(x), read(weight), read(invRms), dx, dWeight, dims);
    return [
      backend.makeTensorInfo(x.shape, 'float32', dx),
      backend.makeTensorInfo([dims.d], 'float32', dWeight),
    ];
  }) as unknown as tf.KernelFunc,
};
