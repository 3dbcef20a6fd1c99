// The fused AdamW update for the cpu backend: one pass over the backend's own arrays.
import { ADAMW_UPDATE_KERNEL, adamwUpdateValues } from '@relora/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { checkAdamWUpdateArgs } from '../adamw-update-args';
import { cpuFloats } from './cpu-arrays';

/** {@link ADAMW_UPDATE_KERNEL} on cpu: `[paramNext, mNext, vNext]`, new tensors. */
export const adamwUpdateCpuConfig: tf.KernelConfig = {
  kernelName: ADAMW_UPDATE_KERNEL,
  backendName: 'cpu',
  kernelFunc: ((args: KernelArgs) => {
    const backend = args.backend as MathBackendCPU;
    const { param, grad, m, v, attrs } = checkAdamWUpdateArgs(args.inputs, args.attrs, 'cpu');
    const read = (t: tf.TensorInfo) => cpuFloats(backend, t);
    const size = tf.util.sizeFromShape(param.shape);
    const outs = {
      param: new Float32Array(size),
      m: new Float32Array(size),
      v: new Float32Array(size),
    };
    adamwUpdateValues(
      { param: read(param), grad: read(grad), m: read(m), v: read(v) },
      outs,
      attrs,
    );
    return [outs.param, outs.m, outs.v].map((values) =>
      backend.makeTensorInfo(param.shape, 'float32', values),
    );
  }) as unknown as tf.KernelFunc,
};
