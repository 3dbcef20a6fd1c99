// The dropout mask kernel for the cpu backend: the JS loop into a new array the tensor then owns.
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type * as tf from '@tensorflow/tfjs-core';
import {
  checkDropoutMaskAttrs,
  DROPOUT_MASK_KERNEL,
  dropoutMaskBits,
} from '../kernels/dropout-mask';
import type { KernelArgs } from '../kernels/kernel-args';

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
