import { Conv2DBackpropFilter, util } from '@tensorflow/tfjs-core';
import type { backend_util, Conv2DBackpropFilterAttrs, Conv2DBackpropFilterInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { planFilterGradient } from './conv-backprop-geometry.js';
import { convBackpropInfo } from './conv-backprop-info.js';
import type { ConvBackpropAttrs } from './conv-backprop-info.js';
import { coveredByShiftedRows, filterGradientByShiftedRows } from './filter-gradient-by-shifted-rows.js';
import { runForwardConv } from './forward-conv.js';
import { coveredBySimdFilterGradient, simdFilterGradient } from './simd-filter-gradient.js';
import { cropWasmTensor, disposeWasmTensor, disposeWasmView, reshapeWasmTensor, runWasmKernel, wasmView, zerosWasmTensor } from './run-wasm-kernel.js';
import { transposeTiles } from './transpose-tiles.js';

/**
 * Images per forward convolution in the transposed-convolution path: larger batches are split
 * and the partial gradients summed in order. That convolution's "filter" is `dy`, `OH·OW·n`
 * values per output channel, which XNNPACK streams from memory once per tile of output rows (it
 * has no blocking along the reduction). Measured on ResNet-18's 32×32×64 layer at batch 128,
 * 2 WASM threads, three alternating runs (`bench/conv-gradients.ts`): 468–499 ms unsplit,
 * 458–558 ms in 64-image chunks, 369–402 ms in 32-image chunks; the 16×16, 8×8 and 4×4 layers
 * were the same within noise (±10%).
 */
const FILTER_GRADIENT_BATCH_CHUNK = 32;

/**
 * `Conv2DBackpropFilter` for the 'wasm' backend (stock tfjs-backend-wasm 4.22 has none), NHWC.
 *
 * - Dilation 1 with output channels a multiple of 8 (every layer of ResNet-18, VGG-16 and
 *   smallCnn, the 3-channel first layers included): bdst's own WebAssembly SIMD kernel
 *   (`simdFilterGradient`, packages/core/kernels/filter-gradient.c), 0.7–0.85× the forward
 *   convolution's time where the paths below took 1.2–3.2× (smallCnn's 32×32 3→16 first layer,
 *   batch 128, one thread: 14 → 2 ms, `bench/conv-gradients.ts`).
 * - Otherwise, 1×1 filters without leading padding (ResNet's shortcuts, any stride): one XNNPACK matrix
 *   product `dW = Xᵀ · dY` with `X` the `[N·OH·OW, Ci]` strided input pixels, gathered and
 *   transposed in one pass (32×32×64 → 16×16×128 at stride 2, batch 128, one thread: 300 → 26 ms).
 * - Stride 1, dilation 1, and ≤ 4 input channels (first layers) or outputs of ≥ 16×16 for 3×3:
 *   one matrix product per tap of shifted input rows and `dy` (`filterGradientByShiftedRows`).
 * - Otherwise the filter gradient `dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s + kh·d − pad, …, ci] · dy[n, oh, ow, co]`
 *   is itself a forward convolution: with the input transposed to `[Ci, H, W, N]` (channels as
 *   the batch, the batch as channels) and `dy` transposed to a filter `[OH, OW, N, Co]`, the wasm
 *   backend's own XNNPACK `Conv2D` with stride = the forward dilation and dilation = the forward
 *   stride yields `[Ci, KH, KW, Co]`, which one transpose turns into `[KH, KW, Ci, Co]`; batches
 *   over 32 images run in 32-image chunks whose gradients are summed in order.
 *
 * Supports every stride, every padding ('same', 'valid', a number with any `dimRoundingMode`,
 * explicit per-side padding) and, through an optional `dilations` attribute beyond the tfjs
 * attrs, any dilation.
 */
function conv2DBackpropFilter(args: { inputs: Conv2DBackpropFilterInputs; backend: BackendWasm; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const info = convBackpropInfo('Conv2DBackpropFilter', x.shape, attrs.filterShape, attrs as ConvBackpropAttrs, false, dy.shape);
  const { batchSize, inChannels, outChannels, filterHeight, filterWidth } = info;
  if (util.sizeFromShape(info.inShape) === 0 || util.sizeFromShape(info.outShape) === 0) {
    return zerosWasmTensor(backend, [filterHeight, filterWidth, inChannels, outChannels]);
  }
  if (coveredBySimdFilterGradient(info)) {
    const dW = simdFilterGradient(backend, x, dy, info);
    if (dW !== null) return dW;
  }
  if (filterHeight === 1 && filterWidth === 1 && info.padInfo.top === 0 && info.padInfo.left === 0) return pointwiseFilterGradient(backend, x, dy, info);
  if (coveredByShiftedRows(info)) return filterGradientByShiftedRows(backend, x, dy, info);
  if (batchSize <= FILTER_GRADIENT_BATCH_CHUNK) return filterGradientByConv(backend, x, dy, info, batchSize);

  const [, inHeight, inWidth] = x.shape;
  const [, outHeight, outWidth] = dy.shape;
  let dW: TensorInfo | null = null;
  for (let start = 0; start < batchSize; start += FILTER_GRADIENT_BATCH_CHUNK) {
    const n = Math.min(FILTER_GRADIENT_BATCH_CHUNK, batchSize - start);
    const xPart = wasmView(backend, x, start * inHeight * inWidth * inChannels, [n, inHeight, inWidth, inChannels]);
    const dyPart = wasmView(backend, dy, start * outHeight * outWidth * outChannels, [n, outHeight, outWidth, outChannels]);
    const part = filterGradientByConv(backend, xPart, dyPart, info, n);
    disposeWasmView(backend, xPart);
    disposeWasmView(backend, dyPart);
    if (dW === null) dW = part;
    else {
      const sum = backend.typedArrayFromHeap(dW) as Float32Array;
      const add = backend.typedArrayFromHeap(part) as Float32Array;
      for (let i = 0; i < sum.length; i++) sum[i] += add[i];
      disposeWasmTensor(backend, part);
    }
  }
  return dW!;
}

/** The transposed-convolution path (see {@link conv2DBackpropFilter}) for `x` / `dy` of `n` images. */
function filterGradientByConv(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo, n: number): TensorInfo {
  const { inChannels, outChannels, filterHeight, filterWidth } = info;
  const { rows, cols } = planFilterGradient(info);
  const cropped = cropWasmTensor(backend, x, [0, 0, 0, 0], [n, rows.inputExtent, cols.inputExtent, inChannels]);
  const xT = runWasmKernel(backend, 'Transpose', { x: cropped }, { perm: [3, 1, 2, 0] });
  disposeWasmTensor(backend, cropped);
  const dyT = runWasmKernel(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const conv = runForwardConv(backend, 'Conv2D', xT, dyT, {
    strides: [info.dilationHeight, info.dilationWidth],
    dilations: [info.strideHeight, info.strideWidth],
    rows,
    cols,
  });
  disposeWasmTensor(backend, xT);
  disposeWasmTensor(backend, dyT);
  const exact = cropWasmTensor(backend, conv, [0, 0, 0, 0], [inChannels, filterHeight, filterWidth, outChannels]);
  disposeWasmTensor(backend, conv);
  const dW = runWasmKernel(backend, 'Transpose', { x: exact }, { perm: [1, 2, 0, 3] });
  disposeWasmTensor(backend, exact);
  return dW;
}

/**
 * The filter gradient of a 1×1 convolution with no top / left padding, as one matrix product:
 * `dW[0, 0] = Xᵀ · dY` where `X [N·OH·OW, Ci]` holds the input pixels the convolution reads
 * (`x[n, oh·sh, ow·sw, :]`), built directly in transposed form `[Ci, N·OH·OW]`, and `dY` is `dy`
 * as `[N·OH·OW, Co]`.
 */
function pointwiseFilterGradient(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const pixels = batchSize * outHeight * outWidth;
  const xT = backend.makeOutput([1, inChannels, pixels], 'float32');
  // Views after the allocation: growing the heap detaches earlier ones.
  const source = backend.typedArrayFromHeap(x) as Float32Array;
  const target = backend.typedArrayFromHeap(xT) as Float32Array;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const from = (n * inHeight + oh * strideHeight) * inWidth * inChannels;
      transposeTiles(source, target, from, (n * outHeight + oh) * outWidth, outWidth, inChannels, strideWidth * inChannels, pixels);
    }
  }
  const dY = reshapeWasmTensor(backend, dy, [1, pixels, outChannels]);
  const product = runWasmKernel(backend, 'BatchMatMul', { a: xT, b: dY }, { transposeA: false, transposeB: false });
  disposeWasmTensor(backend, xT);
  disposeWasmTensor(backend, dY);
  const dW = reshapeWasmTensor(backend, product, [1, 1, inChannels, outChannels]);
  disposeWasmTensor(backend, product);
  return dW;
}

/**
 * Kernel config of bdst's `Conv2DBackpropFilter` for the 'wasm' backend (registered by
 * `register-wasm-kernels.ts`); the gradient of `Conv2D` with respect to its filter.
 */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
