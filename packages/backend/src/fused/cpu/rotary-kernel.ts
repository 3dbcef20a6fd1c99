// The rotary kernel for the cpu backend: one pass over the backend's own arrays.
import { ROTARY_KERNEL, rotaryValues } from '@relora/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { checkRotaryArgs } from '../rotary-args';
import { cpuFloats } from './cpu-arrays';

/** {@link ROTARY_KERNEL} on cpu: a new [batch, seq, heads, headDim] tensor. */
export const rotaryCpuConfig: tf.KernelConfig = {
  kernelName: ROTARY_KERNEL,
  backendName: 'cpu',
  kernelFunc: ((args: KernelArgs) => {
    const backend = args.backend as MathBackendCPU;
    const { x, cos, sin, dims } = checkRotaryArgs(args.inputs, 'cpu');
    const read = (t: tf.TensorInfo) => cpuFloats(backend, t);
    const out = new Float32Array(tf.util.sizeFromShape(x.shape));
    rotaryValues(read(x), read(cos), read(sin), out, dims);
    return backend.makeTensorInfo(x.shape, 'float32', out);
  }) as unknown as tf.KernelFunc,
};
