// Identity for wasm without a copy: the engine clones every tensor it saves for backprop, and the stock kernel copies each one.
import * as tf from '@tensorflow/tfjs-core';
import { internals } from './wasm-heap';

/**
 * Shares the input's memory and counts one more reference, as the cpu backend does (and as wasm's
 * own Reshape already does). Safe because no wasm kernel writes into an input in place.
 */
export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }) => {
    const x = inputs.x as tf.TensorInfo;
    (internals(backend) as unknown as { incRef: (id: tf.DataId) => void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }) as unknown as tf.KernelFunc,
};
