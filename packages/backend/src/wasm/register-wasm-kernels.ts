// Registers (or replaces) the wasm kernels @relora/backend provides; safe to call more than once.
import * as tf from '@tensorflow/tfjs-core';
import { ADAMW_UPDATE_KERNEL } from '../kernels/adamw-update';
import { DROPOUT_MASK_KERNEL } from '../kernels/dropout-mask';
import { RMS_NORM_GRAD_KERNEL, RMS_NORM_KERNEL } from '../kernels/rms-norm';
import { ROTARY_KERNEL } from '../kernels/rotary';
import { adamwUpdateConfig } from './adamw-update-kernel';
import { batchMatMulConfig } from './batch-mat-mul';
import { makeConcatConfig } from './concat-kernel';
import { dropoutMaskConfig } from './dropout-mask-kernel';
import { gatherConfig } from './gather-kernel';
import { identityConfig, makeCastConfig } from './identity-kernel';
import { rmsNormConfig, rmsNormGradConfig } from './rms-norm-kernel';
import { rotaryConfig } from './rotary-kernel';
import { makeSliceConfig, makeSplitVConfig } from './slice-kernels';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/**
 * What each registered kernel is for. Missing: tfjs-backend-wasm 4.22 has none. Fused: ours alone,
 * one kernel for what a chain of ops did. Ours: a kernel another @relora package calls by name
 * where registered (its JS fallback is slower). The others replace a stock kernel that is slow in
 * a training step (see PERF.md for the measurements).
 */
export const WASM_KERNELS: Readonly<Record<string, string>> = {
  [tf.UnsortedSegmentSum]: 'missing: the gradient of gather (embeddings)',
  [tf.BatchMatMul]:
    'every matmul as a WebAssembly SIMD loop on one thread, else XNNPACK 2D (transposes and batches included)',
  [tf.Identity]:
    'shares memory instead of copying (the engine clones every tensor saved for backprop)',
  [tf.Cast]:
    'shares memory when the dtype stays (the gradient of Multiply casts float32 to float32)',
  [tf.Slice]: 'strided copy from the heap (stock copies the whole input first)',
  [tf.SplitV]: 'same as Slice (rotary embeddings split the last axis)',
  [tf.Concat]: 'tight per-row copies (rotary embeddings concat the last axis)',
  [tf.GatherV2]: "whole rows copied on the heap (stock: ~3 ms for a demo step's embedding lookup)",
  [ADAMW_UPDATE_KERNEL]:
    "fused: AdamW's update of one variable in one pass (@relora/optim's ops path: ~14 kernels)",
  [DROPOUT_MASK_KERNEL]:
    "ours: @relora/lora's dropout masks as SIMD straight into the heap (2 ms per demo step, not 9-13)",
  [ROTARY_KERNEL]:
    "fused: @relora/llama's rotary embedding and its gradient, one SIMD pass each (split, concat, 2 multiplies, add)",
  [RMS_NORM_KERNEL]:
    "fused: @relora/llama's RMSNorm as one SIMD pass, saving 1/rms for backward (6 kernels)",
  [RMS_NORM_GRAD_KERNEL]:
    "fused: RMSNorm's gradient for x and the weight in one launch (~20 kernels, incl. a transposing Sum)",
};

let registered: string[] | undefined;

/**
 * Registers the kernels the wasm backend lacks for LLaMA training (forward and backward) and the
 * faster replacements of slow ones. `initBackend` calls it whenever it picks wasm; call it yourself
 * only if you set the wasm backend up without `initBackend`. Needs `@tensorflow/tfjs-backend-wasm`
 * imported first (the replacements keep its kernels for string tensors).
 * @returns the names of the kernels registered.
 */
export function registerWasmKernels(): string[] {
  if (registered) return registered;
  // Built now, while the stock kernels they fall back to are still registered.
  const configs = [
    unsortedSegmentSumConfig,
    batchMatMulConfig,
    identityConfig,
    makeCastConfig(),
    makeSliceConfig(),
    makeSplitVConfig(),
    makeConcatConfig(),
    gatherConfig,
    adamwUpdateConfig,
    dropoutMaskConfig,
    rotaryConfig,
    rmsNormConfig,
    rmsNormGradConfig,
  ];
  for (const config of configs) {
    // registerKernel only warns and keeps the old kernel when one is registered.
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined)
      tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  registered = configs.map((c) => c.kernelName);
  return registered;
}
