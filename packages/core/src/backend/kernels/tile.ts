import { Tile, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';

/**
 * `Tile` for the 'wasm' backend with a fast path for the broadcast-like case: when every axis
 * that repeats has size 1 in `x` and comes before every axis where `x` is longer than 1, the
 * output is `x`'s data repeated `Π reps` times back to back, written with `copyWithin`
 * doublings (memcpy speed). tfjs's BatchNorm gradient tiles its `[1, 1, 1, C]` factors to the
 * full `[N, H, W, C]` activation this way, and the stock kernel's per-element index arithmetic
 * made that a fifth of a CNN training step. Other cases run the stock kernel. A copy either
 * way: results are identical.
 */
function fastTile({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  const reps = attrs.reps as number[];
  if (x.dtype === 'string' || reps.length !== x.shape.length) return null;
  let seenLong = false;
  for (let axis = 0; axis < reps.length; axis++) {
    if (reps[axis] > 1 && (x.shape[axis] !== 1 || seenLong)) return null;
    if (x.shape[axis] > 1) seenLong = true;
  }
  const outShape = x.shape.map((size, axis) => size * reps[axis]);
  const out = backend.makeOutput(outShape, x.dtype);
  const block = util.sizeFromShape(x.shape);
  const total = util.sizeFromShape(outShape);
  if (total === 0) return out;
  // Views after the allocation: growing the heap detaches earlier ones.
  const outValues = backend.typedArrayFromHeap(out);
  outValues.set(backend.typedArrayFromHeap(x));
  for (let filled = block; filled < total; filled *= 2) outValues.copyWithin(filled, 0, Math.min(filled, total - filled));
  return out;
}

/** Kernel config of bdst's `Tile` for 'wasm' (fast path above, else the stock kernel). */
export const tileConfig = withFastPath(Tile, fastTile);
