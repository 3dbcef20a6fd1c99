// Exp for wasm: float32 as a SIMD loop on the heap (exp-simd.ts); other dtypes go to the stock
// kernel, a scalar loop.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../kernel-args';
import { heapFloats, heapOffset, internals } from '../wasm/wasm-heap';
import { expSimdOf } from './exp-simd';
import { stockWasmKernel } from './stock-kernel';

/**
 * Exp whose float32 case runs as exp-simd.ts's loop (within 2 ulp of exp; results under 2^-126
 * flushed to 0) and the last size % 4 elements as Math.exp rounded to float32. Anything else, and
 * every call where the loop fails to bind, goes to the stock kernel captured when this is made.
 */
export function makeExpConfig(): tf.KernelConfig {
  const stock = stockWasmKernel(tf.Exp, 'makeExpConfig');
  return {
    kernelName: tf.Exp,
    backendName: 'wasm',
    // the stock kernel's, which binds the export its fallback calls
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: ((args: KernelArgs) => {
      const backend = internals(args.backend);
      const x = args.inputs.x as tf.TensorInfo;
      const simd = expSimdOf(backend.wasm);
      if (x.dtype !== 'float32' || !simd) return stock.run(args);
      const out = backend.makeOutput(x.shape, 'float32');
      const size = tf.util.sizeFromShape(x.shape);
      const vectors = size - (size % 4);
      simd(heapOffset(backend, x), heapOffset(backend, out), 4 * vectors);
      if (vectors < size) {
        // Views only after makeOutput: its malloc may grow the heap and detach older views.
        const [from, to] = [heapFloats(backend, x), heapFloats(backend, out)];
        for (let i = vectors; i < size; i++) to[i] = Math.exp(from[i]!);
      }
      return out;
    }) as unknown as tf.KernelFunc,
  };
}
