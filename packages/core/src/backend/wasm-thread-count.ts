import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { ThreadedWasmModule } from './wasm-threaded-module.js';
import { loadThreadedWasmModule } from './wasm-threaded-module.js';

/** tfjs-backend-wasm registers 'wasm' with this priority; bdst keeps it. */
const WASM_PRIORITY = 2;
/** The most XNNPACK threads the threaded build supports (it preallocates 8 workers). */
export const MAX_WASM_THREADS = 8;

type BackendFactory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

let stockFactory: BackendFactory | null = null;
let registeredThreads = 1;
let threadedModule: ThreadedWasmModule | null = null;

/** The thread count the 'wasm' backend factory now registered builds its backend with. */
export function registeredWasmThreads(): number {
  return registeredThreads;
}

/**
 * Makes the 'wasm' backend run on `threads` XNNPACK threads from its next initialization
 * (`tf.setBackend('wasm')`):
 *
 * - `1`: tfjs-backend-wasm's own factory (the single-threaded SIMD build, exactly stock tfjs);
 * - `2`–`8`: the multi-threaded SIMD build loaded by {@link loadThreadedWasmModule}.
 *
 * Changing the count of an initialized 'wasm' backend removes it (its tensors cannot move to the
 * new one), so that is refused while the backend still holds tensors.
 *
 * @throws Error for a count outside [1, 8], or when the initialized 'wasm' backend holds tensors.
 */
export function useWasmThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new Error(`initBackend: threads must be an integer in [1, ${MAX_WASM_THREADS}] or 'auto', but got ${String(threads)}`);
  }
  stockFactory ??= tf.findBackendFactory('wasm') as BackendFactory | null;
  if (stockFactory == null) throw new Error('initBackend: @tensorflow/tfjs-backend-wasm registered no wasm backend');
  if (threads === registeredThreads) return;

  const engine = tf.engine() as unknown as { registry: Record<string, tf.KernelBackend | undefined> };
  const initialized = engine.registry.wasm;
  if (initialized != null && initialized.numDataIds() > 0) {
    throw new Error(
      `initBackend: cannot change the wasm backend from ${registeredThreads} to ${threads} threads while it holds ${initialized.numDataIds()} tensors; dispose them (and models) first`,
    );
  }
  tf.removeBackend('wasm');
  threadedModule?.PThread.terminateAllThreads();
  threadedModule = null;
  const factory: BackendFactory =
    threads === 1
      ? stockFactory
      : async () => {
          setThreadsCount(threads);
          const module = await loadThreadedWasmModule(threads);
          threadedModule = module;
          const backend = new BackendWasm(module);
          // The XNNPACK threadpool's pthreads now run (blocked on futexes) in referenced workers,
          // which would keep Node from ever exiting; they need nothing from the event loop.
          for (const worker of (module.PThread as unknown as { runningWorkers: Array<{ unref(): void }> }).runningWorkers) worker.unref();
          return backend;
        };
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
  registeredThreads = threads;
}
