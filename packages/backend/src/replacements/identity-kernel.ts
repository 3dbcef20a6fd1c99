// Identity and same-dtype Cast for wasm without a copy: the engine clones every tensor it saves
// for backprop, and the gradient of every Multiply casts both inputs to float32; the stock
// kernels copy each one.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../kernel-args';
import { internals } from '../wasm/wasm-heap';
import { stockWasmKernel } from './stock-kernel';

/**
 * Shares the input's memory and counts one more reference, as the cpu backend does (and as wasm's
 * own Reshape already does). Safe because no wasm kernel writes into an input in place.
 */
function shareInput({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  (internals(backend) as unknown as { incRef: (id: tf.DataId) => void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: shareInput as unknown as tf.KernelFunc,
};

/**
 * Cast that shares memory when the dtype does not change (the cpu backend does the same); a real
 * conversion goes to the stock kernel, captured when this config is made.
 */
export function makeCastConfig(): tf.KernelConfig {
  const stock = stockWasmKernel(tf.Cast, 'makeCastConfig');
  return {
    kernelName: tf.Cast,
    backendName: 'wasm',
    kernelFunc: ((args: KernelArgs) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { dtype } = args.attrs as unknown as tf.CastAttrs;
      return x.dtype === dtype ? shareInput(args) : stock.run(args);
    }) as unknown as tf.KernelFunc,
  };
}
