import { backend_util, Conv2D, FusedConv2D, util } from '@tensorflow/tfjs-core';
import type { Conv2DAttrs, FusedConv2DAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';
import { coveredBySimdConvolution, simdConvolution } from './simd-convolution.js';

/**
 * The forward convolution through bdst's SIMD kernel where it covers the case (float32, NHWC,
 * dilation 1, output channels a multiple of 8, a per-channel bias or none); null otherwise, and
 * the caller's stock XNNPACK kernel runs.
 */
function forwardConvolution(
  { backend, attrs }: WasmKernelArgs,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | null,
  relu: boolean,
): TensorInfo | null {
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || dataFormat === 'NCHW' || x.shape.length !== 4) return null;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  if (!coveredBySimdConvolution(info) || util.sizeFromShape(info.outShape) === 0 || util.sizeFromShape(info.inShape) === 0) return null;
  if (bias !== null && (bias.dtype !== 'float32' || util.sizeFromShape(bias.shape) !== info.outChannels)) return null;
  return simdConvolution(backend, x, filter, bias, info, relu);
}

/**
 * `Conv2D` for 'wasm': bdst's SIMD forward convolution (packages/core/kernels/convolution.c) for
 * float32 NHWC convolutions with dilation 1 and output channels a multiple of 8 — every
 * convolution of smallCnn, VGG-16 and ResNet-18 —, tfjs-backend-wasm's XNNPACK kernel otherwise.
 * Measured on ResNet-18's layers (`bench/conv-gradients.ts`, see bench/README.md).
 */
export const conv2DConfig = withFastPath(Conv2D, (args) => forwardConvolution(args, args.inputs.x as TensorInfo, args.inputs.filter as TensorInfo, null, false));

/**
 * `FusedConv2D` (convolution + bias + activation) for 'wasm': bdst's SIMD forward convolution
 * with the bias and ReLU applied in registers, for what {@link conv2DConfig} covers with a
 * per-channel bias (or none) and a linear or ReLU activation; tfjs-backend-wasm's kernel
 * otherwise (other activations, PReLU weights, broadcast biases).
 */
export const fusedConv2DConfig = withFastPath(FusedConv2D, (args) => {
  const { activation } = args.attrs as unknown as FusedConv2DAttrs;
  const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
  if ((activation !== 'linear' && activation !== 'relu') || preluActivationWeights != null) return null;
  return forwardConvolution(args, x!, filter!, bias ?? null, activation === 'relu');
});
