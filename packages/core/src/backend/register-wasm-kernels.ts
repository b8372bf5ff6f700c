/**
 * Side-effect module: registers bdst's WASM training kernels with tfjs-core's kernel registry
 * for the 'wasm' backend. Stock `@tensorflow/tfjs-backend-wasm` 4.22 lacks the convolution
 * gradients, so a CNN cannot train on it; after this module runs it can. Several kernels run
 * bdst's own WebAssembly SIMD code (packages/core/kernels/*.c, `simd-kernels.ts`), which works in
 * place on the backend's memory and sums in a fixed order (the same results on every machine and
 * WASM thread count):
 *
 * - `Conv2D`, `FusedConv2D` (bias, ReLU): the SIMD forward convolution for float32 NHWC
 *   dilation-1 convolutions with output channels a multiple of 8 — bit-identical to the XNNPACK
 *   kernels it replaces, ~1.3–1.6× faster on ResNet-18's layers; XNNPACK otherwise;
 * - `Conv2DBackpropFilter` (new): the SIMD filter gradient for dilation 1 and output channels a
 *   multiple of 8; otherwise XNNPACK matrix products of shifted input rows and `dy` (stride 1),
 *   one product for 1×1 filters, or a forward convolution of the transposed input with `dy` as
 *   its filter;
 * - `Conv2DBackpropInput`: the SIMD input gradient at stride 1 (input channels a multiple of 8);
 *   otherwise one forward convolution per output phase (1 at stride 1, 4 at stride 2), replacing
 *   the stock scalar-loop kernel (~2.5 GFLOP/s);
 * - `DepthwiseConv2dNativeBackpropFilter` (new), `DepthwiseConv2dNativeBackpropInput` (new):
 *   expressed through the backend's own forward XNNPACK convolutions;
 * - `UnsortedSegmentSum` (new): the gradient of `gather`;
 * - `Tile`, `Sum`, `Mean`: fast paths for the shapes a training step uses (BatchNorm's tiled
 *   factors, reductions over the leading NHWC axes), falling back to the stock kernels;
 * - `Identity`, and `Cast` to the dtype a tensor already has: a new reference to the input's data
 *   instead of a copy;
 * - `Slice`, `SplitV`: copy only the slices, from the heap (the stock kernels first copy the whole
 *   input to a new JavaScript array, once per slice);
 * - `GatherV2`: one copy per gathered slice (the stock kernel took ~35 ns a value), for the
 *   augmentations' row gathers; `Reverse` along one axis likewise (the flips);
 * - `Transpose`: tiled copies instead of the stock per-element index arithmetic (float32, int32);
 * - `Relu`: SIMD `Math.max(0, x)`, keeping NaNs as the CPU backend does (the stock clamp zeroes
 *   some);
 * - `MaxPool`: SIMD, keeping the CPU backend's rule for NaNs (the stock kernel turns any window
 *   holding a NaN into −∞), the rule `MaxPoolGrad` follows;
 * - `MaxPoolGrad`: a correct (the stock kernel is wrong on padded / overlapping pools) and faster
 *   float32 kernel, SIMD for 2×2 stride-2 pools;
 * - BatchNorm in training mode: two fused kernels (statistics + normalisation, and the whole
 *   gradient) that tfjs-layers' `BatchNormalization` uses on 'wasm' (`fused-batch-norm.ts`), their
 *   passes over the activations in SIMD;
 * - `BdstSgdMomentumUpdate` (new): `SgdMomentum`'s whole update of one variable in one SIMD pass,
 *   bit-identical to the six tfjs ops it replaces;
 * - the gradient of `Mean` (for every backend: gradients are registered by kernel name only):
 *   `dy / n` broadcast, bit-identical to tfjs's `dy · ones / n` without building the ones tensor
 *   on the host (`mean-gradient.ts`).
 *
 * Importing it twice (e.g. from an ESM and a CJS copy) is harmless: a kernel already registered
 * under a name is replaced without a warning. `initBackend()` imports this module.
 */
import '@tensorflow/tfjs-backend-wasm';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { installFusedBatchNorm } from './fused-batch-norm.js';
import { installMeanGradient } from './mean-gradient.js';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DConfig, fusedConv2DConfig } from './kernels/conv2d.js';
import { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './kernels/depthwise-conv2d-native-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './kernels/depthwise-conv2d-native-backprop-input.js';
import { batchNormTrainingBackwardConfig, batchNormTrainingForwardConfig } from './kernels/batch-norm-training.js';
import { identityConfig } from './kernels/identity.js';
import { castConfig } from './kernels/cast.js';
import { sliceConfig } from './kernels/slice.js';
import { splitVConfig } from './kernels/split.js';
import { gatherV2Config } from './kernels/gather.js';
import { reverseConfig } from './kernels/reverse.js';
import { maxPoolConfig } from './kernels/max-pool.js';
import { reluConfig } from './kernels/relu.js';
import { maxPoolGradConfig } from './kernels/max-pool-grad.js';
import { sgdMomentumUpdateConfig } from './kernels/sgd-momentum-update.js';
import { meanConfig, sumConfig } from './kernels/reduce-leading-axes.js';
import { tileConfig } from './kernels/tile.js';
import { transposeConfig } from './kernels/transpose.js';
import { unsortedSegmentSumConfig } from './kernels/unsorted-segment-sum.js';

const wasmTrainingKernels: readonly KernelConfig[] = [
  conv2DConfig,
  fusedConv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
  tileConfig,
  sumConfig,
  meanConfig,
  maxPoolConfig,
  reluConfig,
  maxPoolGradConfig,
  transposeConfig,
  identityConfig,
  castConfig,
  sliceConfig,
  splitVConfig,
  gatherV2Config,
  reverseConfig,
  batchNormTrainingForwardConfig,
  batchNormTrainingBackwardConfig,
  sgdMomentumUpdateConfig,
];

for (const config of wasmTrainingKernels) {
  const existing = getKernel(config.kernelName, config.backendName);
  if (existing?.kernelFunc === config.kernelFunc) continue;
  if (existing != null) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

installFusedBatchNorm();
installMeanGradient();
