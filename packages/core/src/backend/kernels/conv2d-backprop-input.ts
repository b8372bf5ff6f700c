import { Conv2DBackpropInput, util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, Conv2DBackpropInputInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { planInputGradient } from './conv-backprop-geometry.js';
import { convBackpropInfo } from './conv-backprop-info.js';
import type { ConvBackpropAttrs } from './conv-backprop-info.js';
import { runForwardConv } from './forward-conv.js';
import { cropWasmTensor, disposeWasmTensor, runWasmKernel, zerosWasmTensor } from './run-wasm-kernel.js';
import { spreadByStride } from './spread-by-stride.js';

/**
 * A fast `Conv2DBackpropInput` for the 'wasm' backend, NHWC, replacing the stock kernel (a
 * scalar loop, ~10x slower than the forward convolution).
 *
 * The input gradient is the transposed convolution of `dy` with the filter, computed as a
 * forward convolution: `dy` spread out by the stride (`stride − 1` zeros between elements),
 * zero-padded by `(filterSize − 1)·dilation − pad` before and the matching amount after, then
 * convolved (stride 1, the forward dilation) with the filter flipped in both spatial axes and
 * with its in/out channels swapped (`[KH, KW, Co, Ci]`), by the wasm backend's own XNNPACK
 * `Conv2D`. Supports every stride, every padding ('same', 'valid', a number with any
 * `dimRoundingMode`, explicit per-side padding) and, through an optional `dilations` attribute
 * beyond the tfjs attrs, any dilation.
 */
function conv2DBackpropInput(args: { inputs: Conv2DBackpropInputInputs; backend: BackendWasm; attrs: Conv2DBackpropInputAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const info = convBackpropInfo('Conv2DBackpropInput', attrs.inputShape, filter.shape, attrs as ConvBackpropAttrs, false, dy.shape);
  if (util.sizeFromShape(info.inShape) === 0 || util.sizeFromShape(info.outShape) === 0) return zerosWasmTensor(backend, [...info.inShape]);

  const { rows, cols } = planInputGradient(info);
  const spread = spreadByStride(backend, dy, info.strideHeight, info.strideWidth);
  const flipped = runWasmKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const flippedT = runWasmKernel(backend, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  disposeWasmTensor(backend, flipped);
  const conv = runForwardConv(backend, 'Conv2D', spread, flippedT, { strides: [1, 1], dilations: [info.dilationHeight, info.dilationWidth], rows, cols });
  disposeWasmTensor(backend, spread);
  disposeWasmTensor(backend, flippedT);
  const dx = cropWasmTensor(backend, conv, [0, rows.cropBefore, cols.cropBefore, 0], [...info.inShape]);
  disposeWasmTensor(backend, conv);
  return dx;
}

/**
 * Kernel config of bdst's `Conv2DBackpropInput` for the 'wasm' backend (registered by
 * `register-wasm-kernels.ts` in place of the stock one); the gradient of `Conv2D` with respect
 * to its input.
 */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
