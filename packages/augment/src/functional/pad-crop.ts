import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { argumentError, checkImageBatch, describe } from '../argument-checks.js';
import { emptyBatch } from '../empty-batch.js';
import { resampleAxis } from './resample-axis.js';

/**
 * Zero-pads every side of each image by `padding` pixels, then crops an `H × W` window (the
 * original size) whose top-left corner in the padded image is that sample's offset — torchvision's
 * `RandomCrop(size=(H, W), padding=padding)` with its sampled `(i, j)`: `F.crop(F.pad(img, padding), i, j, H, W)`.
 * The kernel of `randomCrop`, the "random cropping of padding=4" of Section 5.1.
 *
 * @param x NHWC float32 batch, any number of channels.
 * @param padding zero padding in pixels on each side, an integer ≥ 0.
 * @param offsets one `[top, left]` per sample, integers in [0, 2·padding].
 */
export function padCrop(x: Tensor4D, padding: number, offsets: readonly (readonly [number, number])[]): Tensor4D {
  const op = 'padCrop';
  const [n, h, w, c] = checkImageBatch(op, x);
  if (!Number.isInteger(padding) || padding < 0) argumentError(op, `padding must be an integer ≥ 0, but got ${padding}`);
  if (!Array.isArray(offsets)) argumentError(op, `offsets must be an array of [top, left], but got ${describe(offsets)}`);
  if (offsets.length !== n) argumentError(op, `offsets must have one [top, left] per sample (${n}), but got ${offsets.length}`);
  for (let s = 0; s < n; s++) {
    const o = offsets[s];
    if (!Array.isArray(o) || o.length !== 2 || !o.every((v) => Number.isInteger(v) && v >= 0 && v <= 2 * padding)) {
      argumentError(op, `offsets[${s}] must be [top, left] of integers in [0, ${2 * padding}], but got ${describe(o)}`);
    }
  }
  if (n === 0) return emptyBatch(h, w, c);
  // Separable: source row (column) of output row (column) i is i + offset − padding, or −1 (zero) outside.
  const rows = new Int32Array(n * h);
  const cols = new Int32Array(n * w);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < h; i++) {
      const sy = i + offsets[s][0] - padding;
      rows[s * h + i] = sy >= 0 && sy < h ? sy : -1;
    }
    for (let j = 0; j < w; j++) {
      const sx = j + offsets[s][1] - padding;
      cols[s * w + j] = sx >= 0 && sx < w ? sx : -1;
    }
  }
  return tf.tidy(() => resampleAxis(resampleAxis(x, 1, [{ index: rows }], h), 2, [{ index: cols }], w));
}
