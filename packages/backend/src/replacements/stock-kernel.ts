// tfjs-backend-wasm's own kernel for a name, captured before this package's replaces it: what a
// replacement falls back to for the cases it does not take.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../kernel-args';

/** A stock kernel: its function, and the setup the replacement must run for it (binding its export). */
export interface StockKernel {
  run: (args: KernelArgs) => tf.TensorInfo;
  setupFunc?: tf.KernelSetupFunc;
}

/** The stock wasm kernel registered for `name` now; throws, naming `caller`, if none is. */
export function stockWasmKernel(name: string, caller: string): StockKernel {
  const stock = tf.getKernel(name, 'wasm');
  if (!stock) throw new Error(`${caller}: import @tensorflow/tfjs-backend-wasm first`);
  const run = (args: KernelArgs) =>
    stock.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  return stock.setupFunc ? { run, setupFunc: stock.setupFunc } : { run };
}
