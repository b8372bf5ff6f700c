import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The arguments tfjs passes a kernel function, typed for the wasm backend. */
export interface WasmKernelArgs {
  inputs: NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: NamedAttrMap;
}

/** tfjs-backend-wasm's own kernel functions that {@link withFastPath} put a fast path in front of, by kernel name. */
const stockKernels = new Map<string, KernelFunc>();

/**
 * tfjs-backend-wasm's own kernel `kernelName` as it was before bdst put a fast path in front of
 * it (for comparing the two, e.g. the SIMD convolution with XNNPACK's), or undefined if bdst
 * registered none for that name.
 */
export function stockWasmKernel(kernelName: string): KernelFunc | undefined {
  return stockKernels.get(kernelName);
}

/**
 * A kernel config for the 'wasm' backend that runs `fastPath` first and, where it returns null
 * (a case it does not cover), tfjs-backend-wasm's own kernel, captured when this is called (so
 * call it after `@tensorflow/tfjs-backend-wasm` is imported). The stock kernel's `setupFunc` is
 * kept, so the stock path keeps working on every new wasm backend (e.g. a thread-count change).
 *
 * @throws Error when tfjs-backend-wasm has no kernel `kernelName`.
 */
export function withFastPath(kernelName: string, fastPath: (args: WasmKernelArgs) => TensorInfo | TensorInfo[] | null): KernelConfig {
  const stock = getKernel(kernelName, 'wasm');
  if (stock == null) throw new Error(`bdst wasm kernels: tfjs-backend-wasm has no '${kernelName}' kernel to add a fast path to`);
  const stockFunc = stock.kernelFunc;
  stockKernels.set(kernelName, stockFunc);
  const kernelFunc = (args: WasmKernelArgs) => fastPath(args) ?? stockFunc(args as unknown as Parameters<KernelFunc>[0]);
  return { kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc: kernelFunc as unknown as KernelFunc };
}
