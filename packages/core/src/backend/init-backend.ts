import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import './register-wasm-kernels.js';
import { describeBackend } from './backend-info.js';
import type { BackendInfo } from './backend-info.js';
import { parseBackendChoice } from './backend-name.js';
import type { BackendChoice, BackendName } from './backend-name.js';
import { resolveNativeKernels, useNativeConvolutionKernels } from './native-convolution-kernels.js';
import { loadNativeTensorflow } from './native-tensorflow.js';
import type { NativeTensorflowPackage } from './native-tensorflow.js';
import { configureWasmBinaryLocation } from './wasm-binary-location.js';
import { resolveWasmThreads } from './wasm-thread-option.js';
import type { WasmThreadsChoice } from './wasm-thread-option.js';
import { registeredWasmThreads, useWasmThreads } from './wasm-thread-count.js';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Which backend to use. `'auto'` (default) picks `@tensorflow/tfjs-node-gpu` when it is
   * installed and sees a GPU, else native TensorFlow on the CPU (`@tensorflow/tfjs-node`, or
   * `@tensorflow/tfjs-node-gpu` without a GPU), else WASM with bdst's training kernels, else the
   * plain CPU backend. A name forces that backend and throws if it cannot load. When absent, the
   * `BDST_BACKEND` environment variable is used; the option wins over the variable.
   */
  backend?: BackendChoice;
  /**
   * WASM only: how many threads XNNPACK runs convolutions and matrix products on, an integer in
   * [1, 8] or `'auto'` (the machine's cores, at most 8). When absent, the `BDST_WASM_THREADS`
   * environment variable is used, else 1 (a CPU shared with other busy processes can make more
   * threads slower: every kernel waits for its slowest thread). `1` is stock tfjs-backend-wasm's single-threaded
   * SIMD build; more threads use its multi-threaded SIMD build, which bdst starts under Node.
   * Results are deterministic for a fixed thread count (and identical across counts where
   * XNNPACK partitions work without changing the order of sums). Changing the count of an
   * initialized wasm backend needs it to hold no tensors.
   */
  threads?: WasmThreadsChoice;
  /**
   * WASM only: run the convolutions (forward, input gradient, filter gradient) on bdst's native
   * x86-64 kernels (AVX2 with fused multiply-adds, `packages/core/native`) instead of its
   * WebAssembly SIMD ones, on the same WASM memory: 2–3× faster convolutions where the CPU has
   * AVX2 and FMA (`bench/README.md`). The addon is built when @bdst/core is installed, where a C
   * compiler, make, python3 and Node's headers are present (`npm run build:native -w @bdst/core`
   * builds it again). Off by default: a fused multiply-add rounds once where the WASM kernels
   * round twice, so results differ from the WASM kernels' in the last bits and depend on the CPU
   * (they stay bit-identical run to run on one machine). Needs `threads: 1` (throws otherwise);
   * for more cores use replicas, whose workers follow the main thread's setting. When absent, the
   * `BDST_NATIVE_KERNELS` environment variable (`1` or `0`) is used, else false. Ignored by the
   * other backends.
   */
  nativeKernels?: boolean;
  /** Do not log the one-line description. Default false. */
  quiet?: boolean;
  /** Where the description line goes. Default `console.error` (stderr). */
  log?: (line: string) => void;
}

interface ActiveBackend {
  choice: BackendChoice;
  threads: number;
  info: BackendInfo;
}

let active: ActiveBackend | null = null;
let queue: Promise<unknown> = Promise.resolve();
const loggedDescriptions = new Set<string>();

/**
 * Selects and initializes the TensorFlow.js backend bdst computes on (DESIGN.md, "Backend
 * chosen at runtime"), logs the choice once per process and returns it.
 *
 * - Calling it again with the same choice is cheap (no re-initialization) and returns the same
 *   info; `'auto'` after an earlier successful call keeps the backend already chosen.
 * - A different forced choice switches backends (tensors move lazily, tfjs-style).
 * - A forced backend that cannot load throws a clear error, never falls back silently.
 * - The native packages are optional peer dependencies, loaded with a dynamic `import()`.
 * - On 'wasm', bdst's convolution-gradient kernels are registered, so CNNs train there.
 *
 * Calls are serialized: concurrent calls run one after the other.
 *
 * @example
 * const info = await initBackend();          // e.g. 'wasm (SIMD, 1 thread): @tensorflow/tfjs-node not installed'
 * await initBackend({ backend: 'cpu', quiet: true });
 * @throws Error for an unknown backend name (option or `BDST_BACKEND`), listing the valid ones,
 *   or when a forced backend is not installed or fails to initialize.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const run = queue.then(() => initBackendNow(options));
  queue = run.catch(() => undefined);
  return run;
}

/** The backend chosen by the last successful {@link initBackend} call, or null before any. */
export function currentBackendInfo(): BackendInfo | null {
  return active?.info ?? null;
}

async function initBackendNow(options: InitBackendOptions): Promise<BackendInfo> {
  if (options == null || typeof options !== 'object') {
    throw new Error(`initBackend: options must be an object, but got ${options === null ? 'null' : typeof options}`);
  }
  const { choice, source } = requestedChoice(options);
  const log = options.log ?? ((line: string) => console.error(line));
  if (options.log != null && typeof options.log !== 'function') {
    throw new Error(`initBackend: log must be a function, but got ${typeof options.log}`);
  }

  const threads = resolveWasmThreads(options.threads);
  const native = resolveNativeKernels(options.nativeKernels);
  refuseNativeKernelsOnThreads(native, threads); // before any backend switch
  const sameThreads = active?.info.name !== 'wasm' || threads === active.threads;
  if (active != null && tf.getBackend() === active.info.tfjsBackend && (choice === active.choice || choice === 'auto') && sameThreads) {
    if (active.info.name !== 'wasm' || active.info.nativeKernels === native) return active.info;
    useNativeConvolutionKernels(native);
    active = { ...active, info: withNativeKernels(active.info, native) };
    return logged(active.info, options, log);
  }

  let info = choice === 'auto' ? await selectAutomatically(threads) : await selectForced(choice, source, threads);
  if (info.name === 'wasm') {
    useNativeConvolutionKernels(native);
    info = withNativeKernels(info, native);
  } else useNativeConvolutionKernels(false);
  active = { choice, threads, info };
  return logged(info, options, log);
}

/** Logs `info`'s description once per process unless `quiet`; returns `info`. */
function logged(info: BackendInfo, options: InitBackendOptions, log: (line: string) => void): BackendInfo {
  if (!options.quiet && !loggedDescriptions.has(info.description)) {
    loggedDescriptions.add(info.description);
    log(info.description);
  }
  return info;
}

/**
 * The native kernels work on the single-threaded WASM build's plain memory; the threaded build's
 * shared memory keeps the WASM kernels, so asking for both would be a silent no-op.
 */
function refuseNativeKernelsOnThreads(native: boolean, threads: number): void {
  if (native && threads > 1) {
    throw new Error(
      `initBackend: nativeKernels needs threads: 1 (the native kernels run on the single-threaded WASM build's memory, and ${threads} threads use the threaded build); use replicas for more cores`,
    );
  }
}

/** `info` (a WASM backend's) with `nativeKernels` set and its description redone. */
function withNativeKernels(info: BackendInfo, nativeKernels: boolean): BackendInfo {
  const { description: _, ...base } = info;
  const next = { ...base, nativeKernels };
  return { ...next, description: describeBackend(next) };
}

function requestedChoice(options: InitBackendOptions): { choice: BackendChoice; source: string } {
  if (options.backend !== undefined) return { choice: parseBackendChoice(options.backend, "option 'backend'"), source: "option 'backend'" };
  const fromEnv = typeof process !== 'undefined' ? process.env.BDST_BACKEND?.trim() : undefined;
  if (fromEnv) return { choice: parseBackendChoice(fromEnv, 'BDST_BACKEND'), source: 'BDST_BACKEND' };
  return { choice: 'auto', source: 'default' };
}

async function selectAutomatically(threads: number): Promise<BackendInfo> {
  const gpu = await loadNativeTensorflow('@tensorflow/tfjs-node-gpu');
  if (gpu.loaded && gpu.usesGpu) return nativeInfo('tensorflow-gpu', '@tensorflow/tfjs-node-gpu found a GPU');
  if (gpu.loaded) return nativeInfo('tensorflow', '@tensorflow/tfjs-node-gpu sees no GPU, TensorFlow runs on the CPU');
  const gpuWhy = gpu.notInstalled ? null : gpu.message;

  const cpu = await loadNativeTensorflow('@tensorflow/tfjs-node');
  if (cpu.loaded) return nativeInfo('tensorflow', gpuWhy ?? '@tensorflow/tfjs-node-gpu not installed');
  const nativeWhy = [gpuWhy, cpu.notInstalled ? '@tensorflow/tfjs-node not installed' : cpu.message].filter((s) => s != null).join('; ');

  const wasm = await startWasm(threads);
  if (wasm.ok) return wasmInfo(nativeWhy);
  return plainCpuInfo(`${nativeWhy}; ${wasm.message}`, false);
}

async function selectForced(name: BackendName, source: string, threads: number): Promise<BackendInfo> {
  const reason = `requested by ${source}`;
  switch (name) {
    case 'tensorflow-gpu': {
      const load = await loadNativeTensorflow('@tensorflow/tfjs-node-gpu');
      if (!load.loaded) throw forcedError(name, '@tensorflow/tfjs-node-gpu', load);
      if (!load.usesGpu) {
        throw new Error(
          `initBackend: backend 'tensorflow-gpu' was requested but @tensorflow/tfjs-node-gpu sees no GPU (check CUDA / cuDNN, or request 'tensorflow')`,
        );
      }
      return nativeInfo(name, reason);
    }
    case 'tensorflow': {
      const load = await loadNativeTensorflow('@tensorflow/tfjs-node');
      if (!load.loaded) throw forcedError(name, '@tensorflow/tfjs-node', load);
      return nativeInfo(name, reason);
    }
    case 'wasm': {
      const wasm = await startWasm(threads);
      if (!wasm.ok) throw new Error(`initBackend: backend 'wasm' was requested but ${wasm.message}`);
      return wasmInfo(reason);
    }
    case 'cpu':
      return plainCpuInfo(reason, true);
  }
}

function forcedError(name: BackendName, packageName: NativeTensorflowPackage, load: { notInstalled: boolean; message: string }): Error {
  if (load.notInstalled) {
    return new Error(`initBackend: backend '${name}' was requested but ${packageName} is not installed (npm install ${packageName})`);
  }
  return new Error(`initBackend: backend '${name}' was requested but ${load.message}`);
}

async function startWasm(threads: number): Promise<{ ok: true } | { ok: false; message: string }> {
  configureWasmBinaryLocation();
  useWasmThreads(threads);
  let ok = false;
  let failure = '';
  try {
    ok = await tf.setBackend('wasm');
  } catch (error) {
    failure = `: ${(error as Error).message}`;
  }
  return ok ? { ok: true } : { ok: false, message: `the wasm backend failed to initialize${failure}` };
}

function nativeInfo(name: 'tensorflow-gpu' | 'tensorflow', reason: string): BackendInfo {
  const base = { name, tfjsBackend: tf.getBackend(), reason };
  return { ...base, description: describeBackend(base) };
}

async function wasmInfo(reason: string): Promise<BackendInfo> {
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = getThreadsCount();
  if (threads !== registeredWasmThreads()) {
    throw new Error(`initBackend: the wasm backend started with ${threads} threads instead of the ${registeredWasmThreads()} requested`);
  }
  const base = { name: 'wasm' as const, tfjsBackend: tf.getBackend(), simd, threads, reason };
  return { ...base, description: describeBackend(base) };
}

async function plainCpuInfo(reason: string, forced: boolean): Promise<BackendInfo> {
  const ok = await tf.setBackend('cpu');
  if (!ok) throw new Error(`initBackend: ${forced ? "backend 'cpu' was requested but " : ''}the cpu backend failed to initialize`);
  const base = { name: 'cpu' as const, tfjsBackend: tf.getBackend(), reason };
  return { ...base, description: describeBackend(base) };
}
