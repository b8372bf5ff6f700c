import { Relu, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';
import { heapOffset } from './run-wasm-kernel.js';
import { simdKernels } from './simd-kernels.js';

/**
 * ReLU for 'wasm' by bdst's WebAssembly SIMD kernel (packages/core/kernels/relu.c): `Math.max(0, x)`
 * as tfjs' CPU backend computes it, so a NaN stays NaN. tfjs-backend-wasm 4.22's XNNPACK clamp
 * turned some NaNs into 0 (a BatchNorm output of NaNs came out of ReLU as zeros), so a smallCnn
 * step on NaN images reported a finite loss on 'wasm' and NaN on 'cpu'. Returns null (the stock
 * kernel) for other dtypes.
 */
function relu({ inputs, backend }: WasmKernelArgs): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  if (x.dtype !== 'float32') return null;
  const kernels = simdKernels(backend);
  if (kernels === null) return null;
  const y = backend.makeOutput(x.shape, 'float32');
  kernels.relu(heapOffset(backend, x), heapOffset(backend, y), util.sizeFromShape(x.shape));
  return y;
}

/** Kernel config of bdst's `Relu` for 'wasm' (float32; the stock kernel otherwise). */
export const reluConfig = withFastPath(Relu, relu);
