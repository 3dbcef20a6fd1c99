// The dropout mask kernel for the cpu backend: the JS loop into a new array the tensor then owns.
import { DROPOUT_MASK_KERNEL, dropoutMaskBits } from '@relora/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { checkDropoutMaskAttrs } from '../dropout-mask-args';

/** {@link DROPOUT_MASK_KERNEL} on cpu: a new float32 tensor [rows, cols] (no copy of the values). */
export const dropoutMaskCpuConfig: tf.KernelConfig = {
  kernelName: DROPOUT_MASK_KERNEL,
  backendName: 'cpu',
  kernelFunc: ((args: KernelArgs) => {
    const backend = args.backend as MathBackendCPU;
    const attrs = checkDropoutMaskAttrs(args.attrs, 'cpu');
    const values = new Float32Array(attrs.rows * attrs.cols);
    dropoutMaskBits(new Int32Array(values.buffer), attrs);
    return backend.makeTensorInfo([attrs.rows, attrs.cols], 'float32', values);
  }) as unknown as tf.KernelFunc,
};
