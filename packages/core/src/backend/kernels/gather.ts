import { GatherV2, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';
import { copyBlock } from './copy-block.js';

/**
 * `GatherV2` for the 'wasm' backend (float32, int32 and bool values, int32 indices, `batchDims`
 * 0): each gathered slice — everything after `axis`, contiguous in NHWC — is one copy inside the
 * WebAssembly heap. The stock kernel took ~55 ms to gather 16,384 rows of 96 floats (a 512-image
 * 32×32×3 batch's rows, as `randomHorizontalFlip` and `randomResizedCrop` resample them), ~35 ns a
 * value; bdst's augmentations gather on every batch. Out-of-range indices throw the error the
 * stock and CPU kernels throw. A copy either way: results are identical. Other cases run the
 * stock kernel.
 */
function gatherSlices({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo | null {
  const { x, indices } = inputs as { x: TensorInfo; indices: TensorInfo };
  if ((x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') || indices.dtype !== 'int32') return null;
  if ((attrs.batchDims as number | undefined ?? 0) !== 0) return null;
  const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const dim = x.shape[axis];
  const index = backend.typedArrayFromHeap(indices) as Int32Array;
  for (let i = 0; i < index.length; i++) {
    if (!(index[i] >= 0 && index[i] <= dim - 1)) throw new Error(`GatherV2: the index value ${index[i]} is not in [0, ${dim - 1}]`);
  }
  const outer = util.sizeFromShape(x.shape.slice(0, axis));
  const inner = util.sizeFromShape(x.shape.slice(axis + 1));
  const count = index.length;
  const out = backend.makeOutput([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
  if (outer * count * inner === 0) return out;
  // Views after the allocation: growing the heap detaches earlier ones.
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  const at = backend.typedArrayFromHeap(indices) as Int32Array;
  let to = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    for (let j = 0; j < count; j++, to += inner) {
      const from = base + at[j] * inner;
      copyBlock(source, target, from, to, inner);
    }
  }
  return out;
}

/** Kernel config of bdst's `GatherV2` for 'wasm' (slice copies; the stock kernel otherwise). */
export const gatherV2Config = withFastPath(GatherV2, gatherSlices);
