import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { checkImageBatch } from '../argument-checks.js';
import { emptyBatch } from '../empty-batch.js';
import { resampleAxis } from './resample-axis.js';

/**
 * Mirrors every image left–right (torchvision `F.hflip`): column `x` becomes column `W − 1 − x`.
 * Any number of channels. Used by the paper's `HFlip` (Figure 1) and the Section 5.1 training
 * augmentation.
 *
 * @param x NHWC float32 batch; not modified.
 * @returns a new tensor of the same shape.
 */
export function hflip(x: Tensor4D): Tensor4D {
  const [n, h, w, c] = checkImageBatch('hflip', x);
  if (n === 0) return emptyBatch(h, w, c);
  return tf.tidy(() => tf.reverse(x, 2));
}

/**
 * Mirrors every image top–bottom (torchvision `F.vflip`): row `y` becomes row `H − 1 − y`.
 * Any number of channels. The `VFlip` of the paper's strong augmentation `RCS0.5+VFlip` (Section 4.2).
 *
 * @param x NHWC float32 batch; not modified.
 * @returns a new tensor of the same shape.
 */
export function vflip(x: Tensor4D): Tensor4D {
  const [n, h, w, c] = checkImageBatch('vflip', x);
  if (n === 0) return emptyBatch(h, w, c);
  return tf.tidy(() => tf.reverse(x, 1));
}

/**
 * Mirrors the images whose flag is set along `axis` (1 = top–bottom, 2 = left–right) and copies
 * the others: one row gather (through a transpose for columns) instead of gathering the chosen
 * images, flipping them and scattering them back. The kernel of the random flips. Internal to the
 * package; `flags` must have one entry per image.
 */
export function flipChosen(x: Tensor4D, axis: 1 | 2, flags: ArrayLike<number>): Tensor4D {
  const [n, h, w, c] = x.shape;
  const len = axis === 1 ? h : w;
  let count = 0;
  for (let s = 0; s < n; s++) if (flags[s]) count++;
  if (n === 0 || count === 0) return tf.clone(x);
  if (count === n) return tf.tidy(() => tf.reverse(x, axis));
  const index = new Int32Array(n * len);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < len; i++) index[s * len + i] = flags[s] ? len - 1 - i : i;
  }
  return tf.tidy(() => resampleAxis(x, axis, [{ index }], len));
}
