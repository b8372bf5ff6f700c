import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { argumentError, checkImageBatch } from '../argument-checks.js';
import { checkBoxes, type Box } from '../box.js';

/**
 * Sets one rectangle per image to a constant (torchvision `F.erase(img, i, j, h, w, v)`); the
 * kernel of CutOut (DeVries & Taylor 2017; the paper's `CutOut`, Figure 1).
 *
 * @param x NHWC float32 batch, any number of channels.
 * @param boxes one `[top, left, height, width]` per sample, integer pixels inside the image;
 *   height or width 0 erases nothing.
 * @param value the fill value, in [0, 1] for images (default 0, black, as CutOut).
 */
export function erase(x: Tensor4D, boxes: readonly Box[], value = 0): Tensor4D {
  const op = 'erase';
  const [n, h, w] = checkImageBatch(op, x);
  checkBoxes(op, boxes, n, h, w, 0);
  if (typeof value !== 'number' || !Number.isFinite(value)) argumentError(op, `value must be a finite number, but got ${value}`);
  const mask = new Uint8Array(n * h * w);
  for (let s = 0; s < n; s++) {
    const [top, left, bh, bw] = boxes[s];
    for (let i = top; i < top + bh; i++) mask.fill(1, (s * h + i) * w + left, (s * h + i) * w + left + bw);
  }
  return tf.tidy(() => tf.where(tf.tensor4d(mask, [n, h, w, 1], 'bool'), tf.scalar(value) as unknown as Tensor4D, x));
}
