import { Slice, slice_util, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';

/**
 * `Slice` for the 'wasm' backend, copying only the slice: rows of the last axis straight from the
 * input's place in the WebAssembly heap to the output's (one copy when the slice is contiguous,
 * e.g. the first n images of an NHWC batch). The stock kernel first reads the whole input into a
 * new JavaScript array (`readSync`) and then copies the slice out of it, so every slice cost a
 * copy of the whole tensor plus the page faults of a fresh host allocation: slicing 64 images off
 * a 128-image 32×32×3 batch took 0.2–5.5 ms instead of ~0.1 ms (`ReplicaPool`'s shard 0 each step,
 * and every tap of `gaussianBlur`). A copy either way: results are identical. String tensors keep
 * the stock path.
 */
export function sliceFromHeap({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  if (x.dtype === 'string' || x.dtype === 'complex64') return null;
  const [begin, size] = slice_util.parseSliceParams(x, attrs.begin as number | number[], attrs.size as number | number[] | undefined);
  // The CPU backend's checks, and negative begins or sizes too: this reads the heap directly, where
  // a slice past the tensor would read other tensors' memory (the stock kernel read its own copy).
  slice_util.assertParamsValid(x, begin, size);
  begin.forEach((b, i) => {
    if (b < 0 || size[i] < 0) throw new Error(`Error in slice${x.shape.length}D: begin[${i}] (${b}) and size[${i}] (${size[i]}) must be ≥ 0 for input.shape[${i}] (${x.shape[i]})`);
  });
  const out = backend.makeOutput(size, x.dtype);
  const total = util.sizeFromShape(size);
  if (total === 0) return out;
  // Views after the allocation: growing the heap detaches earlier ones.
  const input = backend.typedArrayFromHeap(x);
  const output = backend.typedArrayFromHeap(out);
  const strides = util.computeStrides(x.shape);
  if (slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = slice_util.computeFlatOffset(begin, strides);
    output.set(input.subarray(offset, offset + total));
    return out;
  }
  // Not contiguous (rank ≥ 2): one row of the last axis at a time, the leading indices counted
  // like an odometer.
  const rank = x.shape.length;
  const row = size[rank - 1];
  const index = new Array<number>(rank - 1).fill(0);
  for (let written = 0; written < total; written += row) {
    let offset = begin[rank - 1];
    for (let axis = 0; axis < rank - 1; axis++) offset += (begin[axis] + index[axis]) * strides[axis];
    output.set(input.subarray(offset, offset + row), written);
    for (let axis = rank - 2; axis >= 0 && ++index[axis] === size[axis]; axis--) index[axis] = 0;
  }
  return out;
}

/** Kernel config of bdst's `Slice` for 'wasm' (only the slice copied; the stock kernel for strings). */
export const sliceConfig = withFastPath(Slice, sliceFromHeap);
