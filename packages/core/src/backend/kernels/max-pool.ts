import { backend_util, MaxPool, util } from '@tensorflow/tfjs-core';
import type { MaxPoolAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';
import { heapOffset } from './run-wasm-kernel.js';
import { simdKernels } from './simd-kernels.js';

/**
 * 2-D max pooling, NHWC float32, for 'wasm' by bdst's WebAssembly SIMD kernel
 * (packages/core/kernels/max-pool.c), any window, stride and padding: each output is its window's
 * largest input as tfjs' CPU backend and bdst's `MaxPoolGrad` pick it (strictly greater replaces,
 * from −∞: a NaN is never the maximum, an all-NaN window gives −∞). tfjs-backend-wasm 4.22's
 * XNNPACK kernel returns −∞ for any window that holds a NaN (`[NaN, 1, 2, 3]` → −∞ where the CPU
 * backend gives 3), so on 'wasm' a NaN in the activations vanished from the forward pass while
 * the gradient still routed around it. For inputs without NaN the two agree (the maximum of a set
 * of floats is exact). Returns null (the stock kernel) for other dtypes and empty tensors.
 */
function maxPool({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  if (x.dtype !== 'float32' || x.shape.length !== 4) return null;
  const kernels = simdKernels(backend);
  if (kernels === null) return null;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolAttrs;
  const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  if (util.sizeFromShape(info.outShape) === 0 || util.sizeFromShape(info.inShape) === 0) return null;
  const y = backend.makeOutput(info.outShape, 'float32');
  kernels.max_pool(
    heapOffset(backend, x), heapOffset(backend, y),
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth, info.filterHeight, info.filterWidth,
    info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
  );
  return y;
}

/** Kernel config of bdst's `MaxPool` for 'wasm' (float32; the stock kernel otherwise). */
export const maxPoolConfig = withFastPath(MaxPool, maxPool);
