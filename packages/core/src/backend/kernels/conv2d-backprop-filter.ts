import { Conv2DBackpropFilter, util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropFilterInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { planFilterGradient } from './conv-backprop-geometry.js';
import { convBackpropInfo } from './conv-backprop-info.js';
import type { ConvBackpropAttrs } from './conv-backprop-info.js';
import { coveredByTaps, filterGradientByTaps } from './filter-gradient-by-taps.js';
import { runForwardConv } from './forward-conv.js';
import { cropWasmTensor, disposeWasmTensor, runWasmKernel, zerosWasmTensor } from './run-wasm-kernel.js';

/**
 * `Conv2DBackpropFilter` for the 'wasm' backend (stock tfjs-backend-wasm 4.22 has none), NHWC.
 *
 * The filter gradient `dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s + kh·d − pad, …, ci] · dy[n, oh, ow, co]`
 * is itself a forward convolution: with the input transposed to `[Ci, H, W, N]` (channels as
 * the batch, the batch as channels) and `dy` transposed to a filter `[OH, OW, N, Co]`, the wasm
 * backend's own XNNPACK `Conv2D` with stride = the forward dilation and dilation = the forward
 * stride yields `[Ci, KH, KW, Co]`, which one transpose turns into `[KH, KW, Ci, Co]`. So the
 * gradient runs at forward-convolution speed. Supports every stride, every padding ('same',
 * 'valid', a number with any `dimRoundingMode`, explicit per-side padding) and, through an
 * optional `dilations` attribute beyond the tfjs attrs, any dilation.
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

  if (coveredByTaps(info)) return filterGradientByTaps(backend, x, dy, info);
  const { rows, cols } = planFilterGradient(info);
  const cropped = cropWasmTensor(backend, x, [0, 0, 0, 0], [batchSize, rows.inputExtent, cols.inputExtent, inChannels]);
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
 * Kernel config of bdst's `Conv2DBackpropFilter` for the 'wasm' backend (registered by
 * `register-wasm-kernels.ts`); the gradient of `Conv2D` with respect to its filter.
 */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
