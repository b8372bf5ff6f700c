/**
 * Side-effect module: registers bdst's WASM training kernels with tfjs-core's kernel registry
 * for the 'wasm' backend. Stock `@tensorflow/tfjs-backend-wasm` 4.22 lacks the convolution
 * gradients, so a CNN cannot train on it; after this module runs it can:
 *
 * - `Conv2DBackpropFilter` (new): XNNPACK matrix products of shifted input rows and `dy` for
 *   stride-1 layers (first layers and outputs ≥ 16×16), one product for 1×1 filters, otherwise a
 *   forward XNNPACK convolution of the transposed input with `dy` as its filter;
 * - `DepthwiseConv2dNativeBackpropFilter` (new), `DepthwiseConv2dNativeBackpropInput` (new):
 *   expressed through the backend's own forward XNNPACK convolutions;
 * - `Conv2DBackpropInput`: replaces the stock scalar-loop kernel (~2.5 GFLOP/s) with one forward
 *   XNNPACK convolution per output phase (1 at stride 1, 4 at stride 2), at the forward
 *   convolution's speed (~36 GFLOP/s per thread);
 * - `UnsortedSegmentSum` (new): the gradient of `gather`;
 * - `Tile`, `Sum`, `Mean`: fast paths for the shapes a training step uses (BatchNorm's tiled
 *   factors, reductions over the leading NHWC axes), falling back to the stock kernels;
 * - `Identity`: a new reference to the input's data instead of a copy;
 * - `Transpose`: tiled copies instead of the stock per-element index arithmetic (float32, int32);
 * - `MaxPoolGrad`: a correct (the stock kernel is wrong on padded / overlapping pools) and faster
 *   float32 kernel;
 * - BatchNorm in training mode: two fused kernels (statistics + normalisation, and the whole
 *   gradient) that tfjs-layers' `BatchNormalization` uses on 'wasm' (`fused-batch-norm.ts`).
 *
 * Importing it twice (e.g. from an ESM and a CJS copy) is harmless: a kernel already registered
 * under a name is replaced without a warning. `initBackend()` imports this module.
 */
import '@tensorflow/tfjs-backend-wasm';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { installFusedBatchNorm } from './fused-batch-norm.js';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './kernels/depthwise-conv2d-native-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './kernels/depthwise-conv2d-native-backprop-input.js';
import { batchNormTrainingBackwardConfig, batchNormTrainingForwardConfig } from './kernels/batch-norm-training.js';
import { identityConfig } from './kernels/identity.js';
import { maxPoolGradConfig } from './kernels/max-pool-grad.js';
import { meanConfig, sumConfig } from './kernels/reduce-leading-axes.js';
import { tileConfig } from './kernels/tile.js';
import { transposeConfig } from './kernels/transpose.js';
import { unsortedSegmentSumConfig } from './kernels/unsorted-segment-sum.js';

const wasmTrainingKernels: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
  tileConfig,
  sumConfig,
  meanConfig,
  maxPoolGradConfig,
  transposeConfig,
  identityConfig,
  batchNormTrainingForwardConfig,
  batchNormTrainingBackwardConfig,
];

for (const config of wasmTrainingKernels) {
  const existing = getKernel(config.kernelName, config.backendName);
  if (existing?.kernelFunc === config.kernelFunc) continue;
  if (existing != null) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

installFusedBatchNorm();
