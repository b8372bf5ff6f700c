import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { explicitPadding } from './conv-backprop-geometry.js';
import { runWasmKernel } from './run-wasm-kernel.js';

/** How a backprop kernel runs its forward convolution. */
export interface ForwardConvSpec {
  /** `[strideHeight, strideWidth]` of that convolution. */
  strides: [number, number];
  /** `[dilationHeight, dilationWidth]` of that convolution. */
  dilations: [number, number];
  /** Zeros before / after the rows. */
  rows: { padBefore: number; padAfter: number };
  /** Zeros before / after the columns. */
  cols: { padBefore: number; padAfter: number };
}

/**
 * Runs the wasm backend's own XNNPACK forward convolution (`Conv2D`, or `DepthwiseConv2dNative`
 * for a depthwise filter) of `x` with `filter`, NHWC, with explicit padding — the one step all of
 * bdst's convolution-gradient kernels share. The caller owns the result.
 */
export function runForwardConv(
  backend: BackendWasm,
  kernelName: 'Conv2D' | 'DepthwiseConv2dNative',
  x: TensorInfo,
  filter: TensorInfo,
  spec: ForwardConvSpec,
): TensorInfo {
  const attrs = { strides: spec.strides, dilations: spec.dilations, pad: explicitPadding(spec.rows, spec.cols), dataFormat: 'NHWC' };
  return runWasmKernel(backend, kernelName, { x, filter }, attrs as unknown as NamedAttrMap);
}
