// Public API of @relora/backend.

export { CPU_KERNELS, registerCpuKernels } from './cpu/register-cpu-kernels';
export type { BackendInfo, BackendName, InitBackendOptions } from './init-backend';
export { describeSkippedBackends, INIT_BACKEND_DEFAULTS, initBackend } from './init-backend';
export type { AdamWUpdateAttrs } from './kernels/adamw-update';
export { ADAMW_UPDATE_KERNEL } from './kernels/adamw-update';
export type { DropoutMaskAttrs } from './kernels/dropout-mask';
export { DROPOUT_MASK_KERNEL } from './kernels/dropout-mask';
export type { RmsNormAttrs } from './kernels/rms-norm';
export { RMS_NORM_GRAD_KERNEL, RMS_NORM_KERNEL } from './kernels/rms-norm';
export { ROTARY_KERNEL } from './kernels/rotary';
export type { MemoryReport } from './memory-report';
export { memoryReport, resetPeakMemory } from './memory-report';
export { copyTensorInto, tensorFromValues } from './tensor-values';
export { registerWasmKernels, WASM_KERNELS } from './wasm/register-wasm-kernels';
