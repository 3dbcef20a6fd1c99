// Sum for wasm over leading axes without a transpose (weight gradients of broadcast products sum over rows).
import * as tf from '@tensorflow/tfjs-core';
import { internals } from './wasm-heap';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/**
 * Column sums of x viewed as [rows, cols] into a float64 accumulator (the cpu backend also sums in
 * float64). The stock kernel first transposes the reduced axes to the end with its slow Transpose:
 * 0.8 ms for sum([1024, 128], 0) against ~0.15 here. Other axes go to the stock kernel.
 */
export function makeSumConfig(): tf.KernelConfig {
  const stock = tf.getKernel(tf.Sum, 'wasm');
  return {
    kernelName: tf.Sum,
    backendName: 'wasm',
    // The stock kernel still serves the other cases, and needs its setup on the backend.
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: ((args: KernelArgs) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
      const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
      const leading =
        axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
      if (!leading || x.dtype !== 'float32' || !stock) {
        if (!stock) throw new Error('Sum (wasm): the stock kernel is not registered');
        return stock.kernelFunc(args as never);
      }
      const backend = internals(args.backend);
      const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
      const cols = tf.util.sizeFromShape(x.shape.slice(axes.length));
      const outShape = keepDims
        ? [...axes.map(() => 1), ...x.shape.slice(axes.length)]
        : x.shape.slice(axes.length);
      const out = backend.makeOutput(outShape, 'float32');
      const src = backend.typedArrayFromHeap(x) as Float32Array;
      const acc = new Float64Array(cols);
      for (let r = 0; r < rows; r++) {
        const base = r * cols;
        for (let c = 0; c < cols; c++) acc[c]! += src[base + c]!;
      }
      (backend.typedArrayFromHeap(out) as Float32Array).set(acc);
      return out;
    }) as unknown as tf.KernelFunc,
  };
}
