import { getKernel } from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Runs one of the kernels registered for the 'wasm' backend directly on `backend`, the way
 * tfjs backends compose kernels inside a kernel: no engine bookkeeping and nothing recorded on
 * the gradient tape. The caller owns the result and releases it with
 * {@link disposeWasmTensor} unless it hands it back to the engine as a kernel output.
 *
 * @throws Error when no kernel `kernelName` is registered for 'wasm' or it returns several tensors.
 */
export function runWasmKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm');
  if (kernel == null) {
    throw new Error(`bdst wasm kernels: the wasm backend has no '${kernelName}' kernel registered`);
  }
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    throw new Error(`bdst wasm kernels: '${kernelName}' returned ${out.length} tensors, expected one`);
  }
  return out;
}

/** Releases an intermediate produced by {@link runWasmKernel} (drops one reference to its data). */
export function disposeWasmTensor(backend: BackendWasm, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

/**
 * Returns `x` reshaped to `shape` without copying: a new reference to the same data, to be
 * released with {@link disposeWasmTensor} like any other intermediate.
 */
export function reshapeWasmTensor(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return runWasmKernel(backend, 'Reshape', { x }, { shape });
}

/** A new float32 tensor of `shape` filled with zeros (via the wasm `Fill` kernel). */
export function zerosWasmTensor(backend: BackendWasm, shape: number[]): TensorInfo {
  return runWasmKernel(backend, 'Fill', {}, { shape, value: 0, dtype: 'float32' });
}

/**
 * The block of `x` starting at `begin` with shape `size` (the wasm `Slice` kernel), as a new
 * reference the caller releases; when that block is all of `x`, no copy is made.
 */
export function cropWasmTensor(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const whole = begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i]);
  return whole ? reshapeWasmTensor(backend, x, size) : runWasmKernel(backend, 'Slice', { x }, { begin, size });
}

/** The parts of tfjs-backend-wasm's internals that views need (tfjs 4.22). */
interface WasmInternals {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined; delete(dataId: object): boolean };
  wasm: { tfjs: { disposeData(id: number): void } };
}

/**
 * A float32 tensor of `shape` whose data is `source`'s memory from element `elementOffset` on —
 * a view, not a copy (e.g. a batch slice of an NHWC tensor). Valid while `source` lives; release
 * it with {@link disposeWasmView}, never {@link disposeWasmTensor} (which would free `source`'s memory).
 */
export function wasmView(backend: BackendWasm, source: TensorInfo, elementOffset: number, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32', heapOffset(backend, source) + elementOffset * 4);
}

/** Where `tensor`'s data starts in `backend`'s WebAssembly memory, in bytes (the pointer a kernel takes). */
export function heapOffset(backend: BackendWasm, tensor: TensorInfo): number {
  return (backend as unknown as WasmInternals).dataIdMap.get(tensor.dataId)!.memoryOffset;
}

/** Forgets a {@link wasmView} (and the operators the backend cached for it) without freeing the memory it points into. */
export function disposeWasmView(backend: BackendWasm, view: TensorInfo): void {
  const internals = backend as unknown as WasmInternals;
  const id = internals.dataIdMap.get(view.dataId)!.id;
  internals.dataIdMap.delete(view.dataId);
  internals.wasm.tfjs.disposeData(id);
}
