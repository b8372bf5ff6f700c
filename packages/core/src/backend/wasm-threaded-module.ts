import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BackendWasmThreadedSimdModule } from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import { moduleRequire } from './module-require.js';

const FACTORY = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';
/** The WebAssembly JS API, as far as the loader uses it (the project's `lib` has no WebAssembly types). */
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** Emscripten's settings object, as far as the loader below uses it. */
interface EmscriptenSettings {
  locateFile: (path: string, prefix: string) => string;
  mainScriptUrlOrBlob: string;
  instantiateWasm: (imports: { env: Record<string, unknown> }, receive: (instance: object, module: object) => void) => object;
}
type LoadedModule = BackendWasmThreadedSimdModule & {
  cwrap: (name: string, returns: string | null, args: string[]) => (...args: number[]) => unknown;
};
type ModuleFactory = (settings: EmscriptenSettings) => Promise<LoadedModule>;

/** The loaded threaded module, with the `tfjs` bridge `BackendWasm` calls. */
export type ThreadedWasmModule = BackendWasmThreadedSimdModule;

/**
 * Loads tfjs-backend-wasm's multi-threaded SIMD build under Node, which stock tfjs 4.22 cannot:
 *
 * - its Emscripten pthread workers are started from `wasm-pthread-worker.cjs` (a file) instead of
 *   the `blob:` URL tfjs builds, which Node's `worker_threads` refuses;
 * - workers load the module script from its file path (`mainScriptUrlOrBlob`), not a `Blob`;
 * - the threadpool size is capped by tfjs at `emscripten_num_logical_cores() / 2` (it assumes two
 *   hyper-threads per core), which would give 1 thread on a 2-core machine, so that import
 *   reports `2 · threads` and the cap becomes exactly `threads`.
 *
 * Returns the Emscripten module with the `tfjs` bridge functions `BackendWasm` expects, ready for
 * `new BackendWasm(module)` after `setThreadsCount(threads)`. Emscripten preallocates 8 idle
 * workers (unref'd, so they never keep the process alive).
 *
 * @param threads XNNPACK threads (including the calling thread), an integer in [1, 8].
 */
export async function loadThreadedWasmModule(threads: number): Promise<ThreadedWasmModule> {
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new Error(`Error in loadThreadedWasmModule: threads must be an integer in [1, 8], but got ${threads}`);
  }
  const require = moduleRequire();
  const factoryPath = require.resolve(FACTORY);
  const binaryPath = join(dirname(factoryPath), BINARY);
  const workerPath = require.resolve('@bdst/core/package.json').replace(/package\.json$/, join('src', 'backend', 'wasm-pthread-worker.cjs'));
  const factory = require(factoryPath) as ModuleFactory;
  let failInstantiation: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    failInstantiation = reject;
  });
  const loading = factory({
    locateFile: (path, prefix) => (path.endsWith('.worker.js') ? workerPath : path.endsWith('.wasm') ? binaryPath : prefix + path),
    mainScriptUrlOrBlob: factoryPath,
    instantiateWasm: (imports, receive) => {
      imports.env.emscripten_num_logical_cores = () => 2 * threads;
      webAssembly.compile(readFileSync(binaryPath))
        .then(async (compiled) => receive(await webAssembly.instantiate(compiled, imports), compiled))
        .catch((error: unknown) => failInstantiation(new Error(`loadThreadedWasmModule: cannot instantiate ${binaryPath}: ${(error as Error).message}`)));
      return {};
    },
  });
  const module = await Promise.race([loading, failed]);
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  } as ThreadedWasmModule['tfjs'];
  return module;
}
