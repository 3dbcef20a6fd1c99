// The webgpu backend's kernels from @relora/backend, in one table: ReLoRA's fused kernels as WGSL
// programs (src/fused/webgpu/). tfjs-backend-webgpu 4.22 lacks none that training a LLaMA with
// LoRA needs (src/replacements/webgpu-parity.test.ts runs every op of it, values and gradients).

import * as tf from '@tensorflow/tfjs-core';
import { adamwUpdateWebGpuConfig } from './fused/webgpu/adamw-update-kernel';
import { dropoutMaskWebGpuConfig } from './fused/webgpu/dropout-mask-kernel';
import { rmsNormGradWebGpuConfig, rmsNormWebGpuConfig } from './fused/webgpu/rms-norm-kernel';
import { rotaryWebGpuConfig } from './fused/webgpu/rotary-kernel';
import { constantEntries, type KernelEntry, purposes, registerTable } from './kernel-table';
import { webgpuAddNConfig } from './replacements/webgpu-add-n';

const WEBGPU_TABLE: readonly KernelEntry[] = constantEntries([
  [
    adamwUpdateWebGpuConfig,
    "AdamW's update of one variable in one pass writing p, m and v (the ops path runs ~14 kernels per variable)",
  ],
  [
    dropoutMaskWebGpuConfig,
    "@relora/lora's dropout masks drawn on the GPU (none drawn in JS and uploaded)",
  ],
  [
    rotaryWebGpuConfig,
    "@relora/llama's rotary embedding in one pass (split, concat, 2 multiplies, add)",
  ],
  [
    rmsNormWebGpuConfig,
    "@relora/llama's RMSNorm in one pass (a workgroup per row), saving 1/rms for backward (6 kernels)",
  ],
  [rmsNormGradWebGpuConfig, "RMSNorm's gradient for x and the weight in 2 passes (~20 kernels)"],
]);

// Replacements of stock webgpu kernels: each config wraps the stock kernel it is built from.
const WEBGPU_REPLACEMENTS: readonly KernelEntry[] = [
  {
    name: tf.AddN,
    why: 'AddN in groups of at most 7 inputs: the stock shader binds them all and is invalid past 8 storage buffers (autodiff and the global gradient norm add more)',
    config: () => webgpuAddNConfig(tf.getKernel(tf.AddN, 'webgpu')!),
  },
];

/** What each kernel `registerWebGpuKernels` registers is for. */
export const WEBGPU_KERNELS = purposes([...WEBGPU_TABLE, ...WEBGPU_REPLACEMENTS]);

/**
 * Registers the webgpu kernels above (those still missing, so it is idempotent). `initBackend`
 * calls it whenever it picks webgpu; call it yourself only if you set the webgpu backend up
 * without it.
 * @returns the names of the kernels registered.
 */
export function registerWebGpuKernels(): string[] {
  return [
    ...registerTable(WEBGPU_TABLE, 'webgpu', { replace: false }),
    ...registerTable(WEBGPU_REPLACEMENTS, 'webgpu', { replace: true }),
  ];
}
