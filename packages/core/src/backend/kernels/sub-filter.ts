import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { transposeTiles } from './transpose-tiles.js';

/** Which taps of a filter axis a sub-filter keeps: `first, first + step, …` (`count` of them). */
export interface TapSelection {
  first: number;
  step: number;
  count: number;
}

/**
 * The filter of an input-gradient convolution: from `filter` `[KH, KW, Ci, Co]` keeps the taps
 * `rows` × `cols`, reverses their order along both axes and swaps the channel axes, giving
 * `[rows.count, cols.count, Co, Ci]` with `out[a, b, co, ci] = filter[rows.first + (rows.count − 1 − a)·rows.step,
 * cols.first + (cols.count − 1 − b)·cols.step, ci, co]`. One pass over the kept taps (each a tiled
 * `Ci × Co` transpose) instead of a `Reverse` and a `Transpose` of the whole filter. The caller
 * owns the result.
 */
export function reversedSubFilter(backend: BackendWasm, filter: TensorInfo, rows: TapSelection, cols: TapSelection): TensorInfo {
  const [, filterWidth, inChannels, outChannels] = filter.shape;
  const out = backend.makeOutput([rows.count, cols.count, outChannels, inChannels], 'float32');
  // Views after the allocation: growing the heap detaches earlier ones.
  const source = backend.typedArrayFromHeap(filter) as Float32Array;
  const target = backend.typedArrayFromHeap(out) as Float32Array;
  const block = inChannels * outChannels;
  for (let a = 0; a < rows.count; a++) {
    const kh = rows.first + (rows.count - 1 - a) * rows.step;
    for (let b = 0; b < cols.count; b++) {
      const kw = cols.first + (cols.count - 1 - b) * cols.step;
      const from = (kh * filterWidth + kw) * block;
      const to = (a * cols.count + b) * block;
      transposeTiles(source, target, from, to, inChannels, outChannels, outChannels, inChannels);
    }
  }
  return out;
}
