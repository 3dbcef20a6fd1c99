// Public API of @relora/backend.

export type { KernelError } from './kernel-table';
export type { MemoryReport } from './memory/memory-report';
export { memoryReport, resetPeakMemory } from './memory/memory-report';
export { copyTensorInto, tensorFromValues } from './memory/tensor-values';
export type { GpuWorkCounter, GpuWorkCounts } from './profile/gpu-work';
export { countGpuWork } from './profile/gpu-work';
export { CPU_KERNELS, registerCpuKernels } from './register-cpu-kernels';
export { registerWasmKernels, WASM_KERNELS } from './register-wasm-kernels';
export { registerWebGpuKernels, WEBGPU_KERNELS } from './register-webgpu-kernels';
export type { BackendInfo, BackendName, InitBackendOptions } from './select/init-backend';
export {
  describeSkippedBackends,
  INIT_BACKEND_DEFAULTS,
  initBackend,
  releaseBackend,
} from './select/init-backend';
export type { WebGpuAdapter } from './select/webgpu';
export { adapterName, probeWebGpuAdapter, takeDeviceErrors } from './select/webgpu';
export type { WasmSimdFeatures } from './wasm/relaxed-simd';
export { wasmSimdFeatures } from './wasm/relaxed-simd';
