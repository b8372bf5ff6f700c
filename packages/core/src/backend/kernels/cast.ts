import { Cast } from '@tensorflow/tfjs-core';
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';

/**
 * `Cast` for the 'wasm' backend, two cases as tfjs-backend-cpu computes them, the rest by the
 * stock kernel:
 *
 * - to the dtype the tensor already has: a new reference to its data instead of the stock
 *   kernel's copy. tfjs's ReLU gradient, `dy · cast(step(x), 'float32')`, casts a float32 tensor
 *   the size of the activation this way at every ReLU of every training step. Sharing is safe
 *   because no kernel writes its inputs (see `identity.ts`);
 * - to 'bool': `x ≠ 0` (NaN is true). The stock kernel stores each value into a byte with the
 *   JavaScript `Uint8Array` conversion, so 2 became 2, −0.5 became false and 256 false.
 */
function castFastPath({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  const dtype = attrs.dtype as DataType;
  if (x.dtype === 'string' || x.dtype === 'complex64') return null;
  if (dtype === x.dtype) {
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype };
  }
  if (dtype !== 'bool') return null;
  const out = backend.makeOutput(x.shape, 'bool');
  // Views after the allocation: growing the heap detaches earlier ones.
  const values = backend.typedArrayFromHeap(x);
  const flags = backend.typedArrayFromHeap(out);
  for (let i = 0; i < values.length; i++) flags[i] = values[i] !== 0 ? 1 : 0;
  return out;
}

/** Kernel config of bdst's `Cast` for 'wasm' (same dtype by reference, to bool as `x ≠ 0`; the stock kernel otherwise). */
export const castConfig = withFastPath(Cast, castFastPath);
