import { backend_util, Conv2DBackpropFilter, util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropFilterInputs, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { planFilterGradientAxis } from './conv-backprop-geometry.js';
import { disposeWasmTensor, runWasmKernel, zerosWasmTensor } from './run-wasm-kernel.js';

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
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const dilations = (attrs as Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] }).dilations ?? 1;
  if (dataFormat != null && dataFormat !== 'NHWC') {
    throw new Error(`Error in Conv2DBackpropFilter (bdst wasm): dataFormat must be 'NHWC', but got '${dataFormat}'`);
  }
  const convInfo = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  util.assert(
    util.arraysEqual(dy.shape, convInfo.outShape),
    () => `Error in Conv2DBackpropFilter (bdst wasm): dy must have shape [${convInfo.outShape}], but got [${dy.shape}]`,
  );
  const { batchSize, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = convInfo;
  if (batchSize === 0 || outHeight === 0 || outWidth === 0 || inHeight === 0 || inWidth === 0 || inChannels === 0 || outChannels === 0) {
    return zerosWasmTensor(backend, [filterHeight, filterWidth, inChannels, outChannels]);
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
  const xT = runWasmKernel(backend, 'Transpose', { x: cropped ?? x }, { perm: [3, 1, 2, 0] });
  if (cropped) disposeWasmTensor(backend, cropped);
  const dyT = runWasmKernel(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const conv = runWasmKernel(
    backend,
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [convInfo.dilationHeight, convInfo.dilationWidth],
      dilations: [convInfo.strideHeight, convInfo.strideWidth],
      pad: [
        [0, 0],
        [rows.padBefore, rows.padAfter],
        [cols.padBefore, cols.padAfter],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    } as unknown as NamedAttrMap,
  );
  disposeWasmTensor(backend, xT);
  disposeWasmTensor(backend, dyT);
  const exact =
    rows.convOutSize !== filterHeight || cols.convOutSize !== filterWidth
      ? runWasmKernel(backend, 'Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [inChannels, filterHeight, filterWidth, outChannels] })
      : null;
  if (exact) disposeWasmTensor(backend, conv);
  const dW = runWasmKernel(backend, 'Transpose', { x: exact ?? conv }, { perm: [1, 2, 0, 3] });
  disposeWasmTensor(backend, exact ?? conv);
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
