import { Identity } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';

/**
 * `Identity` for the 'wasm' backend without a copy: the output is a new reference to the input's
 * data (as tfjs-backend-cpu does), released by the engine like any output. The stock wasm kernel
 * copies the whole tensor, and a training step calls it hundreds of times (the gradients of
 * `add`, `reshape`, `customGrad`; 439 calls, ~0.25 s of a ResNet-18 step at batch 128 on 2
 * threads, measured with `bench/profile-step.ts`). Sharing is safe because no kernel writes its
 * inputs. String tensors keep the stock path.
 */
function identityByReference({ inputs, backend }: WasmKernelArgs): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  if (x.dtype === 'string') return null;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Kernel config of bdst's `Identity` for 'wasm' (a new reference; the stock kernel for strings). */
export const identityConfig = withFastPath(Identity, identityByReference);
