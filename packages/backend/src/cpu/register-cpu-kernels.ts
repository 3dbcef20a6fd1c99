// Registers the cpu kernels @relora/backend provides; safe to call more than once.
import * as tf from '@tensorflow/tfjs-core';
import { ADAMW_UPDATE_KERNEL } from '../kernels/adamw-update';
import { DROPOUT_MASK_KERNEL } from '../kernels/dropout-mask';
import { RMS_NORM_GRAD_KERNEL, RMS_NORM_KERNEL } from '../kernels/rms-norm';
import { ROTARY_KERNEL } from '../kernels/rotary';
import { adamwUpdateCpuConfig } from './adamw-update-kernel';
import { dropoutMaskCpuConfig } from './dropout-mask-kernel';
import { rmsNormCpuConfig, rmsNormGradCpuConfig } from './rms-norm-kernel';
import { rotaryCpuConfig } from './rotary-kernel';

/** What each registered cpu kernel is for (the cpu backend lacks none that training needs). */
export const CPU_KERNELS: Readonly<Record<string, string>> = {
  [ADAMW_UPDATE_KERNEL]:
    "AdamW's update of one variable in one pass (the ops path runs ~14 kernels per variable)",
  [DROPOUT_MASK_KERNEL]:
    "@relora/lora's dropout masks drawn into the tensor's own array (no copy by tf.tensor2d)",
  [ROTARY_KERNEL]:
    "@relora/llama's rotary embedding in one pass (split, concat, 2 multiplies, add)",
  [RMS_NORM_KERNEL]: "@relora/llama's RMSNorm in one pass, saving 1/rms for backward (6 kernels)",
  [RMS_NORM_GRAD_KERNEL]: "RMSNorm's gradient for x and the weight in one pass (~20 kernels)",
};

/**
 * Registers the cpu kernels above (those still missing, so it is idempotent). `initBackend` calls
 * it whenever it picks cpu; call it yourself only if you set the cpu backend up without it.
 * @returns the names of the kernels registered.
 */
export function registerCpuKernels(): string[] {
  const configs = [
    adamwUpdateCpuConfig,
    dropoutMaskCpuConfig,
    rotaryCpuConfig,
    rmsNormCpuConfig,
    rmsNormGradCpuConfig,
  ];
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, 'cpu') === undefined) tf.registerKernel(config);
  }
  return configs.map((c) => c.kernelName);
}
