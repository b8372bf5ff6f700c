import { DepthwiseConv2dNativeBackpropFilter, util } from '@tensorflow/tfjs-core';
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropFilterInputs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { planFilterGradient } from './conv-backprop-geometry.js';
import { convBackpropInfo } from './conv-backprop-info.js';
import type { ConvBackpropAttrs } from './conv-backprop-info.js';
import { runForwardConv } from './forward-conv.js';
import { cropWasmTensor, disposeWasmTensor, reshapeWasmTensor, runWasmKernel, zerosWasmTensor } from './run-wasm-kernel.js';

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
  const { filterShape } = attrs;
  const info = convBackpropInfo('DepthwiseConv2dNativeBackpropFilter', x.shape, filterShape, attrs as ConvBackpropAttrs, true, dy.shape);
  const { batchSize, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const multiplier = filterShape[3];
  if (util.sizeFromShape(info.inShape) === 0 || util.sizeFromShape(info.outShape) === 0) {
    return zerosWasmTensor(backend, [filterHeight, filterWidth, inChannels, multiplier]);
  }

  const { rows, cols } = planFilterGradient(info);
  const cropped = cropWasmTensor(backend, x, [0, 0, 0, 0], [batchSize, rows.inputExtent, cols.inputExtent, inChannels]);
  // [N, H, W, C] -> [H, W, C, N] -> one image with C·N channels (channel c·N + n).
  const xT = runWasmKernel(backend, 'Transpose', { x: cropped }, { perm: [1, 2, 3, 0] });
  disposeWasmTensor(backend, cropped);
  const xImage = reshapeWasmTensor(backend, xT, [1, rows.inputExtent, cols.inputExtent, inChannels * batchSize]);
  disposeWasmTensor(backend, xT);
  // [N, OH, OW, C·M] -> [OH, OW, C, N, M] -> depthwise filter [OH, OW, C·N, M].
  const dy5 = reshapeWasmTensor(backend, dy, [batchSize, outHeight, outWidth, inChannels, multiplier]);
  const dyT = runWasmKernel(backend, 'Transpose', { x: dy5 }, { perm: [1, 2, 3, 0, 4] });
  disposeWasmTensor(backend, dy5);
  const dyFilter = reshapeWasmTensor(backend, dyT, [outHeight, outWidth, inChannels * batchSize, multiplier]);
  disposeWasmTensor(backend, dyT);

  const conv = runForwardConv(backend, 'DepthwiseConv2dNative', xImage, dyFilter, {
    strides: [info.dilationHeight, info.dilationWidth],
    dilations: [info.strideHeight, info.strideWidth],
    rows,
    cols,
  });
  disposeWasmTensor(backend, xImage);
  disposeWasmTensor(backend, dyFilter);
  const exact = cropWasmTensor(backend, conv, [0, 0, 0, 0], [1, filterHeight, filterWidth, inChannels * batchSize * multiplier]);
  disposeWasmTensor(backend, conv);
  const perSample = reshapeWasmTensor(backend, exact, [filterHeight, filterWidth, inChannels, batchSize, multiplier]);
  disposeWasmTensor(backend, exact);
  const dW =
    batchSize === 1
      ? reshapeWasmTensor(backend, perSample, [filterHeight, filterWidth, inChannels, multiplier])
      : runWasmKernel(backend, 'Sum', { x: perSample }, { axis: [3], keepDims: false });
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
