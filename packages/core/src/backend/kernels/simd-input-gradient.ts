import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeWasmTensor, heapOffset } from './run-wasm-kernel.js';
import { simdKernels } from './simd-kernels.js';

/**
 * Whether {@link simdInputGradient} computes this convolution's input gradient: stride 1,
 * dilation 1 and input channels a multiple of 8 (any filter size, output channels and padding).
 */
export function coveredBySimdInputGradient(info: backend_util.Conv2DInfo): boolean {
  return info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1 && info.inChannels % 8 === 0;
}

/**
 * The input gradient `[N, H, W, Ci]` of a stride-1 NHWC convolution computed by bdst's own
 * WebAssembly SIMD kernel (packages/core/kernels/input-gradient.c) on the tensors in `backend`'s
 * memory:
 *
 *   dx[n, ih, iw, ci] = Σ_{kh, kw, co} dy[n, ih + top − kh, iw + left − kw, co] · w[kh, kw, ci, co].
 *
 * The filter is repacked once into panels `[Ci / 8, KH, KW, Co, 8]` (a scratch tensor) so that a
 * tile of 4 pixels × 8 channels, accumulating in registers, reads its weights contiguously. Returns null when the kernels cannot run on this backend;
 * the caller then uses its XNNPACK path.
 */
export function simdInputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const kernels = simdKernels(backend);
  if (kernels === null) return null;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, padInfo } = info;
  const panels = backend.makeOutput([inChannels / 8, filterHeight, filterWidth, outChannels, 8], 'float32');
  const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  kernels.pack_filter(heapOffset(backend, filter), heapOffset(backend, panels), filterHeight * filterWidth, inChannels, outChannels);
  kernels.input_gradient_s1(
    heapOffset(backend, dy), heapOffset(backend, panels), heapOffset(backend, dx),
    batchSize, inHeight, inWidth, inChannels,
    outHeight, outWidth, outChannels,
    filterHeight, filterWidth, padInfo.top, padInfo.left,
  );
  disposeWasmTensor(backend, panels);
  return dx;
}
