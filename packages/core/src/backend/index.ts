// Runtime backend selection (DESIGN.md, "Backend chosen at runtime"), with bdst's WASM
// training kernels registered as a side effect of importing initBackend.
export { initBackend, currentBackendInfo } from './init-backend.js';
export type { InitBackendOptions } from './init-backend.js';
export type { WasmThreadsChoice } from './wasm-thread-option.js';
export type { BackendInfo } from './backend-info.js';
export { BACKEND_CHOICES } from './backend-name.js';
export type { BackendChoice, BackendName } from './backend-name.js';
