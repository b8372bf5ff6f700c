import { backend_util, Conv2DBackpropInput, util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, Conv2DBackpropInputInputs, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { planInputGradientAxis } from './conv-backprop-geometry.js';
import { disposeWasmTensor, runWasmKernel, zerosWasmTensor } from './run-wasm-kernel.js';
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
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const dilations = (attrs as Conv2DBackpropInputAttrs & { dilations?: number | [number, number] }).dilations ?? 1;
  if (dataFormat != null && dataFormat !== 'NHWC') {
    throw new Error(`Error in Conv2DBackpropInput (bdst wasm): dataFormat must be 'NHWC', but got '${dataFormat}'`);
  }
  const convInfo = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  util.assert(
    util.arraysEqual(dy.shape, convInfo.outShape),
    () => `Error in Conv2DBackpropInput (bdst wasm): dy must have shape [${convInfo.outShape}], but got [${dy.shape}]`,
  );
  const { batchSize, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = convInfo;
  if (util.sizeFromShape(convInfo.inShape) === 0) return zerosWasmTensor(backend, [...convInfo.inShape]);
  if (outHeight === 0 || outWidth === 0 || outChannels === 0) return zerosWasmTensor(backend, [...convInfo.inShape]);

  const rows = planInputGradientAxis({
    inSize: inHeight,
    outSize: outHeight,
    filterSize: filterHeight,
    stride: convInfo.strideHeight,
    dilation: convInfo.dilationHeight,
    padBefore: convInfo.padInfo.top,
  });
  const cols = planInputGradientAxis({
    inSize: inWidth,
    outSize: outWidth,
    filterSize: filterWidth,
    stride: convInfo.strideWidth,
    dilation: convInfo.dilationWidth,
    padBefore: convInfo.padInfo.left,
  });

  const spread = spreadByStride(backend, dy, convInfo.strideHeight, convInfo.strideWidth);
  const flipped = runWasmKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const flippedT = runWasmKernel(backend, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  disposeWasmTensor(backend, flipped);
  const conv = runWasmKernel(
    backend,
    'Conv2D',
    { x: spread, filter: flippedT },
    {
      strides: [1, 1],
      dilations: [convInfo.dilationHeight, convInfo.dilationWidth],
      pad: [
        [0, 0],
        [rows.padBefore, rows.padAfter],
        [cols.padBefore, cols.padAfter],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    } as unknown as NamedAttrMap,
  );
  disposeWasmTensor(backend, spread);
  disposeWasmTensor(backend, flippedT);
  if (rows.cropBefore === 0 && cols.cropBefore === 0 && rows.convOutSize === inHeight && cols.convOutSize === inWidth) return conv;
  const dx = runWasmKernel(
    backend,
    'Slice',
    { x: conv },
    { begin: [0, rows.cropBefore, cols.cropBefore, 0], size: [batchSize, inHeight, inWidth, inChannels] },
  );
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
