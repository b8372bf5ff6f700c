import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { SIMD_KERNELS_SHARED_MEMORY_WASM_BASE64, SIMD_KERNELS_WASM_BASE64 } from './simd-kernels-wasm.js';

/** The exports of bdst's SIMD kernel module (packages/core/kernels/filter-gradient.c). */
interface SimdKernels {
  filter_gradient(
    x: number, dy: number, dw: number,
    n: number, h: number, w: number, ci: number,
    oh: number, ow: number, co: number,
    kh: number, kw: number, sh: number, sw: number, top: number, left: number,
  ): void;
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

/** The parts of tfjs-backend-wasm's internals this needs (tfjs 4.22). */
interface WasmInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  /** The Emscripten module: its exports (`asm`, with the memory in single-threaded builds) and, in the threaded build, the shared memory it imports. */
  wasm: { asm?: { memory?: WasmMemory }; wasmMemory?: WasmMemory };
}

/** The compiled modules, by memory kind. */
const compiled = new Map<boolean, object>();
/** One instance per backend, on that backend's own memory (null: no memory found). */
const instances = new WeakMap<BackendWasm, SimdKernels | null>();

/**
 * bdst's SIMD kernels instantiated on `backend`'s WebAssembly memory, which they import, so they
 * read and write tensors in place: the module built for a plain memory in tfjs-backend-wasm's
 * single-threaded builds, the one built for a shared memory in its threaded build (the kernels
 * run on the calling thread either way, so results do not depend on the thread count). Null if
 * this tfjs build exposes no memory.
 */
function simdKernels(backend: BackendWasm): SimdKernels | null {
  if (instances.has(backend)) return instances.get(backend)!;
  const { wasm } = backend as unknown as WasmInternals;
  const memory = wasm.asm?.memory ?? wasm.wasmMemory;
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
  instances.set(backend, kernels);
  return kernels;
}

/**
 * Whether {@link simdFilterGradient} computes this convolution's filter gradient: dilation 1,
 * input channels a multiple of 4 and output channels a multiple of 8 (any stride, filter size
 * and padding).
 */
export function coveredBySimdFilterGradient(info: backend_util.Conv2DInfo): boolean {
  return info.dilationHeight === 1 && info.dilationWidth === 1 && info.inChannels % 4 === 0 && info.outChannels % 8 === 0;
}

/**
 * The filter gradient `[KH, KW, Ci, Co]` of a dilation-1 NHWC convolution computed by bdst's own
 * WebAssembly SIMD kernel (packages/core/kernels/filter-gradient.c) directly on the tensors in
 * `backend`'s memory:
 *
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[n, oh, ow, co].
 *
 * Tiles of 4 × 8 channels accumulate over an output row in registers; one pass over `dy` per tap
 * and row, with the rows in cache. Measured one thread, batch 64 (`bench/conv-gradients.ts`):
 * ResNet-18's 32×32×64 layer 275 → ~95 ms, 2.9× faster than the XNNPACK matrix products it
 * replaces and faster than the forward convolution. Returns null when the kernels cannot run on
 * this backend (no memory exposed, see `simdKernels`); the caller then uses its other paths.
 */
export function simdFilterGradient(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const kernels = simdKernels(backend);
  if (kernels === null) return null;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, padInfo } = info;
  const dW = backend.makeOutput([filterHeight, filterWidth, inChannels, outChannels], 'float32');
  const internals = backend as unknown as WasmInternals;
  const offset = (t: TensorInfo) => internals.dataIdMap.get(t.dataId)!.memoryOffset;
  kernels.filter_gradient(
    offset(x), offset(dy), offset(dW),
    batchSize, inHeight, inWidth, inChannels,
    outHeight, outWidth, outChannels,
    filterHeight, filterWidth, info.strideHeight, info.strideWidth, padInfo.top, padInfo.left,
  );
  return dW;
}
