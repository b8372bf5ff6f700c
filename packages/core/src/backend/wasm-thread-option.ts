import { availableParallelism } from 'node:os';
import { MAX_WASM_THREADS } from './wasm-thread-count.js';

/** A WASM thread-count request: an integer in [1, 8], or `'auto'` for the machine's cores (at most 8). */
export type WasmThreadsChoice = number | 'auto';

/**
 * Resolves the `threads` option of `initBackend` (else the `BDST_WASM_THREADS` environment
 * variable, else 1) to a thread count in [1, 8]; `'auto'` is `os.availableParallelism()` capped
 * at 8.
 *
 * @throws Error naming the source when the value is neither `'auto'` nor an integer in [1, 8].
 */
export function resolveWasmThreads(option: WasmThreadsChoice | undefined): number {
  const fromEnv = typeof process !== 'undefined' ? process.env.BDST_WASM_THREADS?.trim() : undefined;
  const source = option !== undefined ? "option 'threads'" : fromEnv ? 'BDST_WASM_THREADS' : 'default';
  const value: unknown = option ?? (fromEnv ? (fromEnv === 'auto' ? 'auto' : Number(fromEnv)) : 1);
  if (value === 'auto') return Math.max(1, Math.min(MAX_WASM_THREADS, availableParallelism()));
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_WASM_THREADS) return value;
  throw new Error(
    `initBackend: threads must be an integer in [1, ${MAX_WASM_THREADS}] or 'auto', but got ${option !== undefined ? String(option) : `'${fromEnv}'`} (from ${source})`,
  );
}
