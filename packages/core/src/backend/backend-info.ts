import type { BackendName } from './backend-name.js';

/** What {@link initBackend} selected, and why. */
export interface BackendInfo {
  /** The bdst backend name. */
  name: BackendName;
  /** The tfjs backend now active (`tf.getBackend()`): 'tensorflow', 'wasm' or 'cpu'. */
  tfjsBackend: string;
  /** WASM only: whether the SIMD build of the WASM binary runs. */
  simd?: boolean;
  /** WASM only: the number of threads XNNPACK uses (the `threads` option of `initBackend`). */
  threads?: number;
  /**
   * WASM only: whether the convolutions run on bdst's native AVX2 kernels (`initBackend`'s
   * `nativeKernels`) instead of its WebAssembly SIMD ones.
   */
  nativeKernels?: boolean;
  /** Why this backend was chosen (e.g. `'@tensorflow/tfjs-node not installed'`, `'requested by BDST_BACKEND'`). */
  reason: string;
  /** One line for logs, e.g. `'wasm (SIMD, 1 thread): @tensorflow/tfjs-node not installed'`. */
  description: string;
}

/**
 * Builds the one-line description of a backend choice: the name, for WASM its build
 * (`SIMD` or `no SIMD`, the thread count, and `native convolutions` with the native kernels on),
 * then the reason.
 */
export function describeBackend(info: Omit<BackendInfo, 'description'>): string {
  let label: string = info.name;
  if (info.name === 'wasm') {
    const build: string[] = [];
    if (info.simd != null) build.push(info.simd ? 'SIMD' : 'no SIMD');
    if (info.threads != null) build.push(`${info.threads} thread${info.threads === 1 ? '' : 's'}`);
    if (info.nativeKernels === true) build.push('native convolutions');
    if (build.length > 0) label += ` (${build.join(', ')})`;
  }
  return `${label}: ${info.reason}`;
}
