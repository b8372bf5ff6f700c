import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { loadNativeConvolutionKernels, nativeConvolutionKernelsEnabled } from '../native-convolution-kernels.js';
import { SIMD_KERNELS_SHARED_MEMORY_WASM_BASE64, SIMD_KERNELS_WASM_BASE64 } from './simd-kernels-wasm.js';

/** The exports of bdst's SIMD kernel module (packages/core/kernels/*.c); pointers are byte offsets in the backend's memory. */
export interface SimdKernels {
  filter_gradient(
    x: number, dy: number, dw: number,
    n: number, h: number, w: number, ci: number,
    oh: number, ow: number, co: number,
    kh: number, kw: number, sh: number, sw: number, top: number, left: number,
  ): void;
  pack_filter(w: number, wP: number, taps: number, ci: number, co: number): void;
  input_gradient_s1(
    dy: number, wP: number, dx: number,
    n: number, h: number, w: number, ci: number,
    oh: number, ow: number, co: number,
    kh: number, kw: number, top: number, left: number,
  ): void;
  batch_norm_sums(x: number, sums: number, rows: number, c: number, rowBlock: number): void;
  batch_norm_affine(x: number, factor: number, shift: number, y: number, rows: number, c: number): void;
  batch_norm_gradient_sums(dy: number, x: number, mean: number, sums: number, rows: number, c: number, rowBlock: number): void;
  batch_norm_gradient_dx(dy: number, x: number, onDy: number, onX: number, constant: number, dx: number, rows: number, c: number): void;
  pack_filter_by_output(w: number, wP: number, taps: number, ci: number, co: number): void;
  convolution(
    x: number, wP: number, bias: number, y: number,
    n: number, h: number, w: number, ci: number,
    oh: number, ow: number, co: number,
    kh: number, kw: number, sh: number, sw: number, top: number, left: number, relu: number,
  ): void;
  sgd_momentum(
    w: number, g: number, b: number, wOut: number, bOut: number, n: number,
    lr: number, mu: number, wd: number, hasMomentum: number, hasDecay: number, first: number,
  ): void;
  relu(x: number, y: number, n: number): void;
  max_pool(
    x: number, y: number, n: number, h: number, w: number, c: number,
    oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number,
  ): void;
  max_pool_gradient_2x2(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number): void;
}

/** A WebAssembly.Memory, as far as this uses it. */
interface WasmMemory {
  buffer: ArrayBuffer | SharedArrayBuffer;
}
/** The WebAssembly JS API, as far as this uses it (the project's `lib` has no WebAssembly types). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** The part of tfjs-backend-wasm's internals this needs (tfjs 4.22). */
interface WasmInternals {
  /** The Emscripten module: its exports (`asm`, with the memory in single-threaded builds) and, in the threaded build, the shared memory it imports. */
  wasm: { asm?: { memory?: WasmMemory }; wasmMemory?: WasmMemory };
}

/** The compiled modules, by memory kind. */
const compiled = new Map<boolean, object>();
/**
 * The instance for each backend, with the memory it was made on (null kernels: no memory found),
 * and the same exports with the convolutions on the native kernels (made on first use).
 */
const instances = new WeakMap<BackendWasm, { memory: WasmMemory | undefined; kernels: SimdKernels | null; native?: SimdKernels }>();

/**
 * bdst's SIMD kernels instantiated on `backend`'s WebAssembly memory, which they import, so they
 * read and write tensors in place: the module built for a plain memory in tfjs-backend-wasm's
 * single-threaded builds, the one built for a shared memory in its threaded build (the kernels
 * run on the calling thread either way, so results do not depend on the thread count). Made
 * again if the backend's module (and memory) was replaced, e.g. by a change of thread count.
 * Null if this tfjs build exposes no memory.
 *
 * With the native kernels on (`initBackend({ nativeKernels: true })`), `convolution`,
 * `input_gradient_s1`, `filter_gradient` and the packings `pack_filter_by_output` and
 * `pack_filter` run bdst's native x86-64 code on the same memory
 * instead ({@link NativeConvolutionKernels}); the memory's current buffer is passed on every call,
 * since a grown memory has a new one. Only on a plain memory: the threaded build's shared memory
 * keeps the WASM kernels.
 */
export function simdKernels(backend: BackendWasm): SimdKernels | null {
  const { wasm } = backend as unknown as WasmInternals;
  const memory = wasm.asm?.memory ?? wasm.wasmMemory;
  const cached = instances.get(backend);
  if (cached !== undefined && cached.memory === memory) return nativeConvolutionKernelsEnabled() ? withNativeConvolutions(cached) : cached.kernels;
  let kernels: SimdKernels | null = null;
  if (memory instanceof webAssembly.Memory) {
    const shared = memory.buffer instanceof SharedArrayBuffer;
    let module = compiled.get(shared);
    if (module === undefined) {
      module = new webAssembly.Module(Uint8Array.from(atob(shared ? SIMD_KERNELS_SHARED_MEMORY_WASM_BASE64 : SIMD_KERNELS_WASM_BASE64), (c) => c.charCodeAt(0)));
      compiled.set(shared, module);
    }
    kernels = new webAssembly.Instance(module, { env: { memory } }).exports as SimdKernels;
  }
  const entry = { memory, kernels };
  instances.set(backend, entry);
  return nativeConvolutionKernelsEnabled() ? withNativeConvolutions(entry) : kernels;
}

/**
 * `entry`'s kernels with the three convolution kernels and the two filter packings they read on
 * the native addon (plain memory only).
 */
function withNativeConvolutions(entry: { memory: WasmMemory | undefined; kernels: SimdKernels | null; native?: SimdKernels }): SimdKernels | null {
  const { memory, kernels } = entry;
  if (kernels === null || memory === undefined || memory.buffer instanceof SharedArrayBuffer) return kernels;
  if (entry.native !== undefined) return entry.native;
  const load = loadNativeConvolutionKernels();
  if (!load.loaded) return kernels; // useNativeConvolutionKernels(true) already refused to turn them on
  const native = load.kernels;
  entry.native = {
    ...kernels,
    pack_filter_by_output: (...args) => native.pack_filter_by_output(memory.buffer as ArrayBuffer, ...args),
    pack_filter: (...args) => native.pack_filter(memory.buffer as ArrayBuffer, ...args),
    convolution: (...args) => native.convolution(memory.buffer as ArrayBuffer, ...args),
    input_gradient_s1: (...args) => native.input_gradient_s1(memory.buffer as ArrayBuffer, ...args),
    filter_gradient: (...args) => native.filter_gradient(memory.buffer as ArrayBuffer, ...args),
  };
  return entry.native;
}
