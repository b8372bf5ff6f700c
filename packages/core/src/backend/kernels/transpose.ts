import { Transpose, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';
import { transposeTiles } from './transpose-tiles.js';
import { copyBlock } from './copy-block.js';

/**
 * Drops size-1 axes and merges input axes that stay adjacent and in order in the output, so e.g.
 * `[N, H, W, C]` with perm `[1, 2, 0, 3]` becomes `[N, H·W, C]` with perm `[1, 0, 2]`.
 */
export function simplifyTranspose(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === axis) last.push(axis);
    else groups.push([axis]);
  }
  // Groups in input order give the merged input shape; their order in `kept` gives the perm.
  const byInput = groups.map((g, i) => ({ first: g[0], size: g.reduce((p, a) => p * shape[a], 1), outIndex: i })).sort((x, y) => x.first - y.first);
  const mergedShape = byInput.map((g) => g.size);
  const position = new Array<number>(groups.length);
  byInput.forEach((g, inputAxis) => (position[g.outIndex] = inputAxis));
  return { shape: mergedShape, perm: position };
}

/**
 * `Transpose` for the 'wasm' backend (float32 / int32). After {@link simplifyTranspose}: a plain
 * copy; contiguous blocks copied with `set` when the innermost axis stays innermost; otherwise
 * 32×32 tiles ({@link transposeTiles}) between the input's and the output's innermost axes, so both sides are read and
 * written in cache-sized runs. The stock kernel walks element by element with index arithmetic
 * and took ~0.6 s to transpose a 131072×64 matrix — the transposes inside the convolution filter
 * gradient and `matMul(a, b, true)` were slower than the arithmetic. Results are identical (a
 * permutation of the same values).
 */
function fastTranspose({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return null;
  const perm = attrs.perm as number[];
  // tfjs's op checks each entry's range but not repeats; offsets built from a repeated axis would
  // read and write past the tensors in the shared heap.
  if (new Set(perm).size !== perm.length) throw new Error(`Error in transpose: perm [${perm}] must hold each axis of the rank-${x.shape.length} input once`);
  const outShape = perm.map((axis) => x.shape[axis]);
  const out = backend.makeOutput(outShape, x.dtype);
  const total = util.sizeFromShape(x.shape);
  if (total === 0) return out;
  // Views after the allocation: growing the heap detaches earlier ones.
  const source = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const target = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const { shape, perm: p } = simplifyTranspose(x.shape, perm);
  const rank = shape.length;
  if (rank <= 1 || p.every((axis, i) => axis === i)) {
    target.set(source);
    return out;
  }
  const inStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) inStrides[a] = inStrides[a + 1] * shape[a + 1];
  const outStrideOf = new Array<number>(rank); // output stride of each input axis
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    outStrideOf[p[i]] = stride;
    stride *= shape[p[i]];
  }
  const innerOut = p[rank - 1]; // the input axis that is contiguous in the output
  const innerIn = rank - 1; // the axis contiguous in the input
  const block = shape[innerIn];
  if (innerOut === innerIn && block < 16) {
    // Short contiguous blocks (e.g. the 3 channels of an NHWC pixel when an augmentation swaps H
    // and W): the next output axis `q` runs in an inner loop, so the offset tables cover the other
    // axes only (a block each cost a table entry and a call: ~25 ms for a 512×32×32×3 batch).
    const q = p[rank - 2];
    const { inOffsets, outOffsets } = offsets([...Array(rank).keys()].filter((a) => a !== innerIn && a !== q), shape, inStrides, outStrideOf);
    const [len, qIn] = [shape[q], inStrides[q]];
    for (let k = 0; k < inOffsets.length; k++) {
      for (let t = 0, from = inOffsets[k], to = outOffsets[k]; t < len; t++, from += qIn, to += block) {
        for (let b = 0; b < block; b++) target[to + b] = source[from + b];
      }
    }
    return out;
  }
  const outerAxes = [...Array(rank).keys()].filter((a) => a !== innerOut && a !== innerIn);
  const { inOffsets, outOffsets } = offsets(outerAxes, shape, inStrides, outStrideOf);
  if (innerOut === innerIn) {
    for (let k = 0; k < inOffsets.length; k++) copyBlock(source, target, inOffsets[k], outOffsets[k], block);
  } else {
    for (let k = 0; k < inOffsets.length; k++) {
      transposeTiles(source, target, inOffsets[k], outOffsets[k], shape[innerOut], shape[innerIn], inStrides[innerOut], outStrideOf[innerIn]);
    }
  }
  return out;
}

/** The input and output offsets of every index combination of `axes` (odometer order). */
function offsets(axes: number[], shape: number[], inStrides: number[], outStrideOf: number[]): { inOffsets: Float64Array; outOffsets: Float64Array } {
  const count = axes.reduce((p, a) => p * shape[a], 1);
  const inOffsets = new Float64Array(count);
  const outOffsets = new Float64Array(count);
  const index = new Array<number>(axes.length).fill(0);
  let inOffset = 0;
  let outOffset = 0;
  for (let n = 0; n < count; n++) {
    inOffsets[n] = inOffset;
    outOffsets[n] = outOffset;
    for (let k = axes.length - 1; k >= 0; k--) {
      const axis = axes[k];
      index[k]++;
      inOffset += inStrides[axis];
      outOffset += outStrideOf[axis];
      if (index[k] < shape[axis]) break;
      inOffset -= inStrides[axis] * shape[axis];
      outOffset -= outStrideOf[axis] * shape[axis];
      index[k] = 0;
    }
  }
  return { inOffsets, outOffsets };
}

/** Kernel config of bdst's `Transpose` for 'wasm' (float32 / int32; the stock kernel otherwise). */
export const transposeConfig = withFastPath(Transpose, fastTranspose);
