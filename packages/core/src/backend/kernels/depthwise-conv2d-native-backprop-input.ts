import { DepthwiseConv2dNativeBackpropInput, util } from '@tensorflow/tfjs-core';
import type {
  DepthwiseConv2dNativeBackpropInputAttrs,
  DepthwiseConv2dNativeBackpropInputInputs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { planInputGradient } from './conv-backprop-geometry.js';
import { convBackpropInfo } from './conv-backprop-info.js';
import type { ConvBackpropAttrs } from './conv-backprop-info.js';
import { runForwardConv } from './forward-conv.js';
import { cropWasmTensor, disposeWasmTensor, reshapeWasmTensor, runWasmKernel, zerosWasmTensor } from './run-wasm-kernel.js';
import { spreadByStride } from './spread-by-stride.js';

/**
 * `DepthwiseConv2dNativeBackpropInput` for the 'wasm' backend (stock tfjs-backend-wasm 4.22
 * has none), NHWC, filter `[KH, KW, C, M]` (M = channel multiplier).
 *
 * `dx[n, ih, iw, c] = Σ_m (dy[…, c·M + m] ⋆ flipped w[…, c, m])`: `dy` spread out by the stride
 * and padded as for a regular transposed convolution goes through the wasm backend's own
 * XNNPACK `DepthwiseConv2dNative` (multiplier 1 over its `C·M` channels, stride 1, the forward
 * dilation) with the spatially flipped filter reshaped to `[KH, KW, C·M, 1]`; the `M` results
 * per input channel are then summed. Supports every stride, padding and dilation.
 */
function depthwiseConv2dNativeBackpropInput(args: {
  inputs: DepthwiseConv2dNativeBackpropInputInputs;
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const info = convBackpropInfo('DepthwiseConv2dNativeBackpropInput', attrs.inputShape, filter.shape, attrs as ConvBackpropAttrs, true, dy.shape);
  const { batchSize, inChannels, filterHeight, filterWidth } = info;
  const multiplier = filter.shape[3];
  if (util.sizeFromShape(info.inShape) === 0 || util.sizeFromShape(info.outShape) === 0) return zerosWasmTensor(backend, [...info.inShape]);

  const { rows, cols } = planInputGradient(info);
  const spread = spreadByStride(backend, dy, info.strideHeight, info.strideWidth);
  const flipped = runWasmKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const flippedFilter = reshapeWasmTensor(backend, flipped, [filterHeight, filterWidth, inChannels * multiplier, 1]);
  disposeWasmTensor(backend, flipped);
  const conv = runForwardConv(backend, 'DepthwiseConv2dNative', spread, flippedFilter, {
    strides: [1, 1],
    dilations: [info.dilationHeight, info.dilationWidth],
    rows,
    cols,
  });
  disposeWasmTensor(backend, spread);
  disposeWasmTensor(backend, flippedFilter);
  let summed = conv;
  if (multiplier > 1) {
    const perMultiplier = reshapeWasmTensor(backend, conv, [batchSize, rows.convOutSize, cols.convOutSize, inChannels, multiplier]);
    disposeWasmTensor(backend, conv);
    summed = runWasmKernel(backend, 'Sum', { x: perMultiplier }, { axis: [4], keepDims: false });
    disposeWasmTensor(backend, perMultiplier);
  }
  const dx = cropWasmTensor(backend, summed, [0, rows.cropBefore, cols.cropBefore, 0], [...info.inShape]);
  disposeWasmTensor(backend, summed);
  return dx;
}

/**
 * Kernel config of bdst's `DepthwiseConv2dNativeBackpropInput` for the 'wasm' backend
 * (registered by `register-wasm-kernels.ts`); the gradient of a depthwise convolution with
 * respect to its input.
 */
export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as KernelFunc,
};
