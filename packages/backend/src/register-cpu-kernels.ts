// The cpu backend's kernels from @relora/backend, in one table: ReLoRA's fused kernels
// (src/fused/cpu/); the cpu backend lacks none that training needs.
import {
  ADAMW_UPDATE_KERNEL,
  CROSS_ENTROPY_GRAD_KERNEL,
  CROSS_ENTROPY_KERNEL,
  DROPOUT_MASK_KERNEL,
  RMS_NORM_GRAD_KERNEL,
  RMS_NORM_KERNEL,
  ROTARY_KERNEL,
} from '@relora/core';
import { adamwUpdateCpuConfig } from './fused/cpu/adamw-update-kernel';
import { crossEntropyCpuConfig, crossEntropyGradCpuConfig } from './fused/cpu/cross-entropy-kernel';
import { dropoutMaskCpuConfig } from './fused/cpu/dropout-mask-kernel';
import { rmsNormCpuConfig, rmsNormGradCpuConfig } from './fused/cpu/rms-norm-kernel';
import { rotaryCpuConfig } from './fused/cpu/rotary-kernel';
import { type KernelEntry, purposes, registerTable } from './kernel-table';

const CPU_TABLE: readonly KernelEntry[] = [
  {
    name: ADAMW_UPDATE_KERNEL,
    why: "AdamW's update of one variable in one pass (the ops path runs ~14 kernels per variable)",
    config: () => adamwUpdateCpuConfig,
  },
  {
    name: DROPOUT_MASK_KERNEL,
    why: "@relora/lora's dropout masks drawn into the tensor's own array (no copy by tf.tensor2d)",
    config: () => dropoutMaskCpuConfig,
  },
  {
    name: ROTARY_KERNEL,
    why: "@relora/llama's rotary embedding in one pass (split, concat, 2 multiplies, add)",
    config: () => rotaryCpuConfig,
  },
  {
    name: RMS_NORM_KERNEL,
    why: "@relora/llama's RMSNorm in one pass, saving 1/rms for backward (6 kernels)",
    config: () => rmsNormCpuConfig,
  },
  {
    name: RMS_NORM_GRAD_KERNEL,
    why: "RMSNorm's gradient for x and the weight in one pass (~20 kernels)",
    config: () => rmsNormGradCpuConfig,
  },
  {
    name: CROSS_ENTROPY_KERNEL,
    why: "@relora/llama's cross-entropy in one loop per row, saving logSumExp for backward (~8 kernels)",
    config: () => crossEntropyCpuConfig,
  },
  {
    name: CROSS_ENTROPY_GRAD_KERNEL,
    why: "cross-entropy's gradient for the logits in one pass (~9 kernels over [N, V])",
    config: () => crossEntropyGradCpuConfig,
  },
];

/** What each kernel `registerCpuKernels` registers is for. */
export const CPU_KERNELS = purposes(CPU_TABLE);

/**
 * Registers the cpu kernels above (those still missing, so it is idempotent). `initBackend` calls
 * it whenever it picks cpu; call it yourself only if you set the cpu backend up without it.
 * @returns the names of the kernels registered.
 */
export function registerCpuKernels(): string[] {
  return registerTable(CPU_TABLE, 'cpu', { replace: false });
}
