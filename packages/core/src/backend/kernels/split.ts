import { backend_util, SplitV, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';
import { sliceFromHeap } from './slice.js';

/**
 * `SplitV` for the 'wasm' backend: consecutive slices along `axis` by bdst's `Slice`
 * (`slice.ts`), which copies only the slice. The stock kernel calls the stock `Slice` once per
 * output, and each call first copies the *whole* input to a new JavaScript array: splitting a
 * 512-image batch into the groups `colorJitter` transforms took ~290 ms of its ~400 ms. Results
 * are identical. String tensors keep the stock path.
 */
function splitBySlices({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo[] | null {
  const x = inputs.x as TensorInfo;
  if (x.dtype === 'string' || x.dtype === 'complex64') return null;
  const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x, attrs.numOrSizeSplits as number | number[], axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const part = sliceFromHeap({ inputs: { x }, backend, attrs: { begin: [...begin], size } })!;
    begin[axis] += s;
    return part;
  });
}

/** Kernel config of bdst's `SplitV` for 'wasm' (slices that copy only themselves; the stock kernel for strings). */
export const splitVConfig = withFastPath(SplitV, splitBySlices);
