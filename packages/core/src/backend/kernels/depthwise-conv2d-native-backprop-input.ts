import { backend_util, DepthwiseConv2dNativeBackpropInput, util } from '@tensorflow/tfjs-core';
import type {
  DepthwiseConv2dNativeBackpropInputAttrs,
  DepthwiseConv2dNativeBackpropInputInputs,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { planInputGradientAxis } from './conv-backprop-geometry.js';
import { disposeWasmTensor, reshapeWasmTensor, runWasmKernel, zerosWasmTensor } from './run-wasm-kernel.js';
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
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs;
  const convInfo = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
    'channelsLast',
  );
  util.assert(
    util.arraysEqual(dy.shape, convInfo.outShape),
    () => `Error in DepthwiseConv2dNativeBackpropInput (bdst wasm): dy must have shape [${convInfo.outShape}], but got [${dy.shape}]`,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = convInfo;
  const multiplier = filter.shape[3];
  if (util.sizeFromShape(convInfo.inShape) === 0) return zerosWasmTensor(backend, [...convInfo.inShape]);
  if (outHeight === 0 || outWidth === 0 || multiplier === 0) return zerosWasmTensor(backend, [...convInfo.inShape]);

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
  const flippedFilter = reshapeWasmTensor(backend, flipped, [filterHeight, filterWidth, inChannels * multiplier, 1]);
  disposeWasmTensor(backend, flipped);
  const conv = runWasmKernel(
    backend,
    'DepthwiseConv2dNative',
    { x: spread, filter: flippedFilter },
    {
      strides: [1, 1],
      dilations: [convInfo.dilationHeight, convInfo.dilationWidth],
      pad: [
        [0, 0],
        [rows.padBefore, rows.padAfter],
        [cols.padBefore, cols.padAfter],
        [0, 0],
      ],
    } as unknown as NamedAttrMap,
  );
  disposeWasmTensor(backend, spread);
  disposeWasmTensor(backend, flippedFilter);
  let summed = conv;
  if (multiplier > 1) {
    const perMultiplier = reshapeWasmTensor(backend, conv, [batchSize, rows.convOutSize, cols.convOutSize, inChannels, multiplier]);
    disposeWasmTensor(backend, conv);
    summed = runWasmKernel(backend, 'Sum', { x: perMultiplier }, { axis: [4], keepDims: false });
    disposeWasmTensor(backend, perMultiplier);
  }
  if (rows.cropBefore === 0 && cols.cropBefore === 0 && rows.convOutSize === inHeight && cols.convOutSize === inWidth) return summed;
  const dx = runWasmKernel(
    backend,
    'Slice',
    { x: summed },
    { begin: [0, rows.cropBefore, cols.cropBefore, 0], size: [batchSize, inHeight, inWidth, inChannels] },
  );
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
