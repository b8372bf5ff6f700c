import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { moduleRequire } from './module-require.js';

/**
 * bdst's native convolution kernels (packages/core/native/convolution-kernels.c: x86-64 with fused
 * multiply-adds, AVX-512 where the CPU has it and the channels are a multiple of 16, else AVX2):
 * the forward convolution, both gradients and the two filter packings they read, with the
 * arguments of the WASM kernels of the same names after a first one, the WebAssembly memory's
 * buffer, in which every pointer is a byte offset. Each call checks that every tensor lies inside
 * that buffer (a RangeError otherwise). A packing must be read by the native kernel it is for (its
 * panels may be 16 wide).
 */
export interface NativeConvolutionKernels {
  pack_filter_by_output(memory: ArrayBuffer, w: number, wP: number, taps: number, ci: number, co: number): void;
  pack_filter(memory: ArrayBuffer, w: number, wP: number, taps: number, ci: number, co: number): void;
  /** The instruction set the kernels use now: `'avx512'` or `'avx2'`. */
  instructionSet(): 'avx512' | 'avx2';
  /** Makes the kernels use `'avx2'`, or `'avx512'` where the CPU has it (process-wide; for tests of both paths). */
  selectInstructionSet(name: 'avx512' | 'avx2'): void;
  convolution(
    memory: ArrayBuffer, x: number, wP: number, bias: number, y: number,
    n: number, h: number, w: number, ci: number,
    oh: number, ow: number, co: number,
    kh: number, kw: number, sh: number, sw: number, top: number, left: number, relu: number,
  ): void;
  input_gradient_s1(
    memory: ArrayBuffer, dy: number, wP: number, dx: number,
    n: number, h: number, w: number, ci: number,
    oh: number, ow: number, co: number,
    kh: number, kw: number, top: number, left: number,
  ): void;
  filter_gradient(
    memory: ArrayBuffer, x: number, dy: number, dw: number,
    n: number, h: number, w: number, ci: number,
    oh: number, ow: number, co: number,
    kh: number, kw: number, sh: number, sw: number, top: number, left: number,
  ): void;
}

/** The addon's file, relative to the @bdst/core package root (node-gyp's output). */
export const NATIVE_KERNELS_ADDON = 'native/build/Release/bdst_native_kernels.node';

/** The result of {@link loadNativeConvolutionKernels}: the kernels, or why they cannot run here. */
export type NativeKernelsLoad = { loaded: true; kernels: NativeConvolutionKernels } | { loaded: false; reason: string };

let load: NativeKernelsLoad | null = null;
let enabled = false;

/**
 * Loads bdst's native convolution addon once per thread (a `worker_threads` worker loads its own).
 * Not loaded — with the reason — when the addon was not built (no C compiler or Node headers at
 * install: `npm run build:native -w @bdst/core` builds it), this is not x86-64 Linux or macOS, or
 * the CPU lacks AVX2 or FMA.
 */
export function loadNativeConvolutionKernels(): NativeKernelsLoad {
  if (load !== null) return load;
  load = loadNow();
  return load;
}

function loadNow(): NativeKernelsLoad {
  if (process.arch !== 'x64') return { loaded: false, reason: `bdst's native kernels are x86-64 code, and this is ${process.arch}` };
  const require = moduleRequire();
  let root: string;
  try {
    root = dirname(require.resolve('@bdst/core/package.json'));
  } catch (error) {
    return { loaded: false, reason: `cannot locate the @bdst/core package (${(error as Error).message})` };
  }
  const file = join(root, NATIVE_KERNELS_ADDON);
  if (!existsSync(file)) return { loaded: false, reason: `the native addon was not built (${file} is missing; run npm run build:native -w @bdst/core, which needs a C compiler, make, python3 and Node's headers)` };
  let addon: { available?: unknown; reason?: unknown } & Partial<NativeConvolutionKernels>;
  try {
    addon = require(file) as typeof addon;
  } catch (error) {
    return { loaded: false, reason: `the native addon ${file} failed to load: ${(error as Error).message}` };
  }
  if (addon.available !== true) return { loaded: false, reason: `the native addon cannot run here: ${String(addon.reason)}` };
  return { loaded: true, kernels: addon as NativeConvolutionKernels };
}

/**
 * Whether the WASM backend's convolutions run on the native kernels ({@link initBackend}'s
 * `nativeKernels`): read by `simdKernels` on every kernel call, so a change takes effect at once.
 */
export function nativeConvolutionKernelsEnabled(): boolean {
  return enabled;
}

/**
 * Turns the native convolution kernels on or off for this thread.
 *
 * @throws Error with the reason when turning them on and they cannot load.
 */
export function useNativeConvolutionKernels(on: boolean): void {
  if (on) {
    const result = loadNativeConvolutionKernels();
    if (!result.loaded) throw new Error(`initBackend: nativeKernels was requested but ${result.reason}`);
  }
  enabled = on;
}

/**
 * Resolves `initBackend`'s `nativeKernels` option: the option, else the `BDST_NATIVE_KERNELS`
 * environment variable (`1`/`true` or `0`/`false`), else false.
 *
 * @throws Error naming the variable when it holds anything else.
 */
export function resolveNativeKernels(option: boolean | undefined): boolean {
  if (option !== undefined) {
    if (typeof option !== 'boolean') throw new Error(`initBackend: nativeKernels must be a boolean, but got ${String(option)}`);
    return option;
  }
  const fromEnv = typeof process !== 'undefined' ? process.env.BDST_NATIVE_KERNELS?.trim().toLowerCase() : undefined;
  if (fromEnv === undefined || fromEnv === '' || fromEnv === '0' || fromEnv === 'false') return false;
  if (fromEnv === '1' || fromEnv === 'true') return true;
  throw new Error(`initBackend: BDST_NATIVE_KERNELS must be 1, true, 0 or false, but got '${process.env.BDST_NATIVE_KERNELS}'`);
}
