import { backend_util, DepthwiseConv2dNativeBackpropFilter, util } from '@tensorflow/tfjs-core';
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropFilterInputs,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { planFilterGradientAxis } from './conv-backprop-geometry.js';
import { disposeWasmTensor, reshapeWasmTensor, runWasmKernel, zerosWasmTensor } from './run-wasm-kernel.js';

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the 'wasm' backend (stock tfjs-backend-wasm 4.22
 * has none), NHWC, filter `[KH, KW, C, M]` (M = channel multiplier).
 *
 * `dW[kh, kw, c, m] = Σ_{n, oh, ow} x[n, oh·s + kh·d − pad, …, c] · dy[n, oh, ow, c·M + m]` is a
 * depthwise forward convolution of the input laid out as one image with `C·N` channels
 * (`[1, H, W, C·N]`) with `dy` laid out as a depthwise filter `[OH, OW, C·N, M]`, run by the
 * wasm backend's own XNNPACK `DepthwiseConv2dNative` with stride = the forward dilation and
 * dilation = the forward stride; the per-sample results `[KH, KW, C, N, M]` are then summed over
 * N. Supports every stride, padding ('same', 'valid', numbers, explicit) and dilation.
 */
function depthwiseConv2dNativeBackpropFilter(args: {
  inputs: DepthwiseConv2dNativeBackpropFilterInputs;
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs;
  const convInfo = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
    'channelsLast',
  );
  util.assert(
    util.arraysEqual(dy.shape, convInfo.outShape),
    () => `Error in DepthwiseConv2dNativeBackpropFilter (bdst wasm): dy must have shape [${convInfo.outShape}], but got [${dy.shape}]`,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = convInfo;
  const multiplier = filterShape[3];
  if (batchSize === 0 || outHeight === 0 || outWidth === 0 || inHeight === 0 || inWidth === 0 || inChannels === 0 || multiplier === 0) {
    return zerosWasmTensor(backend, [filterHeight, filterWidth, inChannels, multiplier]);
  }

  const rows = planFilterGradientAxis({
    inSize: inHeight,
    outSize: outHeight,
    filterSize: filterHeight,
    stride: convInfo.strideHeight,
    dilation: convInfo.dilationHeight,
    padBefore: convInfo.padInfo.top,
  });
  const cols = planFilterGradientAxis({
    inSize: inWidth,
    outSize: outWidth,
    filterSize: filterWidth,
    stride: convInfo.strideWidth,
    dilation: convInfo.dilationWidth,
    padBefore: convInfo.padInfo.left,
  });

  const cropped =
    rows.inputExtent < inHeight || cols.inputExtent < inWidth
      ? runWasmKernel(backend, 'Slice', { x }, { begin: [0, 0, 0, 0], size: [batchSize, rows.inputExtent, cols.inputExtent, inChannels] })
      : null;
  // [N, H, W, C] -> [H, W, C, N] -> one image with C·N channels (channel c·N + n).
  const xT = runWasmKernel(backend, 'Transpose', { x: cropped ?? x }, { perm: [1, 2, 3, 0] });
  if (cropped) disposeWasmTensor(backend, cropped);
  const xImage = reshapeWasmTensor(backend, xT, [1, rows.inputExtent, cols.inputExtent, inChannels * batchSize]);
  disposeWasmTensor(backend, xT);
  // [N, OH, OW, C·M] -> [OH, OW, C, N, M] -> depthwise filter [OH, OW, C·N, M].
  const dy5 = reshapeWasmTensor(backend, dy, [batchSize, outHeight, outWidth, inChannels, multiplier]);
  const dyT = runWasmKernel(backend, 'Transpose', { x: dy5 }, { perm: [1, 2, 3, 0, 4] });
  disposeWasmTensor(backend, dy5);
  const dyFilter = reshapeWasmTensor(backend, dyT, [outHeight, outWidth, inChannels * batchSize, multiplier]);
  disposeWasmTensor(backend, dyT);

  const conv = runWasmKernel(
    backend,
    'DepthwiseConv2dNative',
    { x: xImage, filter: dyFilter },
    {
      strides: [convInfo.dilationHeight, convInfo.dilationWidth],
      dilations: [convInfo.strideHeight, convInfo.strideWidth],
      pad: [
        [0, 0],
        [rows.padBefore, rows.padAfter],
        [cols.padBefore, cols.padAfter],
        [0, 0],
      ],
    } as unknown as NamedAttrMap,
  );
  disposeWasmTensor(backend, xImage);
  disposeWasmTensor(backend, dyFilter);
  const exact =
    rows.convOutSize !== filterHeight || cols.convOutSize !== filterWidth
      ? runWasmKernel(backend, 'Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [1, filterHeight, filterWidth, inChannels * batchSize * multiplier] })
      : null;
  if (exact) disposeWasmTensor(backend, conv);
  const perSample = reshapeWasmTensor(backend, exact ?? conv, [filterHeight, filterWidth, inChannels, batchSize, multiplier]);
  disposeWasmTensor(backend, exact ?? conv);
  if (batchSize === 1) {
    const dW = reshapeWasmTensor(backend, perSample, [filterHeight, filterWidth, inChannels, multiplier]);
    disposeWasmTensor(backend, perSample);
    return dW;
  }
  const dW = runWasmKernel(backend, 'Sum', { x: perSample }, { axis: [3], keepDims: false });
  disposeWasmTensor(backend, perSample);
  return dW;
}

/**
 * Kernel config of bdst's `DepthwiseConv2dNativeBackpropFilter` for the 'wasm' backend
 * (registered by `register-wasm-kernels.ts`); the gradient of a depthwise convolution with
 * respect to its filter.
 */
export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as KernelFunc,
};
