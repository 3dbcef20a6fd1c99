// Registers (or replaces) the wasm kernels @relora/backend provides; safe to call more than once.
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './batch-mat-mul';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/** Kernels registered for 'wasm', by kernel name. */
export const WASM_KERNELS: readonly tf.KernelConfig[] = [unsortedSegmentSumConfig, batchMatMulConfig];

let registered = false;

/**
 * Registers the kernels the wasm backend lacks for LLaMA training (forward and backward) and the
 * faster replacements of slow ones. `initBackend` calls it whenever it picks wasm.
 * @returns the names of the kernels registered.
 */
export function registerWasmKernels(): string[] {
  const names = WASM_KERNELS.map((k) => k.kernelName);
  if (registered) return names;
  for (const config of WASM_KERNELS) {
    // Replacing a built-in kernel: registerKernel only warns and keeps the old one otherwise.
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) {
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
  registered = true;
  return names;
}
