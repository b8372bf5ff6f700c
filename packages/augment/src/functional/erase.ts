import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { argumentError, checkImageBatch } from '../argument-checks.js';
import { checkBoxes, type Box } from '../box.js';
import { emptyBatch } from '../empty-batch.js';

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
  const [n, h, w, c] = checkImageBatch(op, x);
  checkBoxes(op, boxes, n, h, w, 0);
  if (typeof value !== 'number' || !Number.isFinite(value)) argumentError(op, `value must be a finite number, but got ${value}`);
  if (n === 0) return emptyBatch(h, w, c);
  // The box is the product of a row band and a column band: N·(H + W) flags on the host.
  const rows = new Uint8Array(n * h);
  const cols = new Uint8Array(n * w);
  for (let s = 0; s < n; s++) {
    const [top, left, bh, bw] = boxes[s];
    rows.fill(1, s * h + top, s * h + top + bh);
    cols.fill(1, s * w + left, s * w + left + bw);
  }
  return tf.tidy(() => {
    const inBox = tf.logicalAnd(tf.tensor4d(rows, [n, h, 1, 1], 'bool'), tf.tensor4d(cols, [n, 1, w, 1], 'bool'));
    return tf.where(tf.broadcastTo(inBox, [n, h, w, c]), tf.fill([n, h, w, c], value), x) as Tensor4D;
  });
}
