// AddN on webgpu in groups: tfjs-backend-webgpu 4.22 binds every input of an AddN in one shader,
// and past WebGPU's default of 8 storage buffers per stage the pipeline is invalid and the sum is
// never computed (a validation error, not an exception). Autodiff adds every gradient that flows
// into a tensor with one AddN, and a global gradient norm adds one square per variable: both go
// past 8 inputs in any real model.
import * as tf from '@tensorflow/tfjs-core';

/** Inputs per stock AddN: 7 terms and the output make the 8 storage buffers a shader may bind. */
export const WEBGPU_ADD_N_INPUTS = 7;

type DisposingBackend = { disposeData(dataId: object): void };

/**
 * The stock AddN over groups of at most {@link WEBGPU_ADD_N_INPUTS} inputs, each group starting
 * with the running sum: the terms are added from the first on, as one AddN adds them.
 */
export function webgpuAddNConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.AddN,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const terms = inputs as unknown as tf.TensorInfo[];
      const run = (group: tf.TensorInfo[]) =>
        stock.kernelFunc({ inputs: group as never, backend, attrs }) as tf.TensorInfo;
      if (terms.length <= WEBGPU_ADD_N_INPUTS) return run(terms);
      let total = run(terms.slice(0, WEBGPU_ADD_N_INPUTS));
      for (let i = WEBGPU_ADD_N_INPUTS; i < terms.length; i += WEBGPU_ADD_N_INPUTS - 1) {
        const next = run([total, ...terms.slice(i, i + WEBGPU_ADD_N_INPUTS - 1)]);
        (backend as DisposingBackend).disposeData(total.dataId);
        total = next;
      }
      return total;
    },
  };
}
