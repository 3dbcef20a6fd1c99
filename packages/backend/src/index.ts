// Public API of @relora/backend.

export type { BackendInfo, BackendName, InitBackendOptions } from './init-backend';
export { INIT_BACKEND_DEFAULTS, initBackend } from './init-backend';
export type { MemoryReport } from './memory-report';
export { memoryReport, resetPeakMemory } from './memory-report';
export { registerWasmKernels, WASM_KERNELS } from './wasm/register-wasm-kernels';
