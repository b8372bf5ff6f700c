import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeWasmTensor, heapOffset } from './run-wasm-kernel.js';
import { simdKernels } from './simd-kernels.js';

/**
 * Whether {@link simdConvolution} computes this convolution: NHWC, dilation 1 and output channels
 * a multiple of 8 (any input channels, stride, filter size and padding).
 */
export function coveredBySimdConvolution(info: backend_util.Conv2DInfo): boolean {
  return info.dataFormat === 'channelsLast' && info.dilationHeight === 1 && info.dilationWidth === 1 && info.outChannels % 8 === 0;
}

/**
 * The forward convolution `[N, OH, OW, Co]` of NHWC `x` with `filter` `[KH, KW, Ci, Co]`, plus
 * `bias` `[Co]` when given, through ReLU when `relu`, computed by bdst's own WebAssembly SIMD
 * kernel (packages/core/kernels/convolution.c) on the tensors in `backend`'s memory:
 *
 *   y[n, oh, ow, co] = act(Σ_{kh, kw, ci} x[n, oh·sh + kh − top, ow·sw + kw − left, ci] · w[kh, kw, ci, co] + bias[co]).
 *
 * The filter is repacked once into panels `[Co / 8, KH, KW, Ci, 8]` (a scratch tensor) so that a
 * tile of 4 pixels × 8 channels, accumulating in registers, reads its weights contiguously. Sums
 * in a fixed order without fused multiply-adds: the same result on every machine and WASM thread
 * count. Returns null when the kernels cannot run on this backend; the caller then uses
 * tfjs-backend-wasm's XNNPACK kernel.
 */
export function simdConvolution(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | null,
  info: backend_util.Conv2DInfo,
  relu: boolean,
): TensorInfo | null {
  const kernels = simdKernels(backend);
  if (kernels === null) return null;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, padInfo } = info;
  const panels = backend.makeOutput([outChannels / 8, filterHeight, filterWidth, inChannels, 8], 'float32');
  const y = backend.makeOutput([batchSize, outHeight, outWidth, outChannels], 'float32');
  kernels.pack_filter_by_output(heapOffset(backend, filter), heapOffset(backend, panels), filterHeight * filterWidth, inChannels, outChannels);
  kernels.convolution(
    heapOffset(backend, x), heapOffset(backend, panels), bias === null ? 0 : heapOffset(backend, bias), heapOffset(backend, y),
    batchSize, inHeight, inWidth, inChannels,
    outHeight, outWidth, outChannels,
    filterHeight, filterWidth, info.strideHeight, info.strideWidth, padInfo.top, padInfo.left, relu ? 1 : 0,
  );
  disposeWasmTensor(backend, panels);
  return y;
}
