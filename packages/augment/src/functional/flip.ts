import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { checkImageBatch } from '../argument-checks.js';
import { emptyBatch } from '../empty-batch.js';

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
