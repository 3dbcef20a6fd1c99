// Public API of @relora/backend.
export { initBackend } from './init-backend';
export type { BackendInfo, BackendName, InitBackendOptions } from './init-backend';
