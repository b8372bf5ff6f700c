import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';

/**
 * The mean of each image over all its pixels and channels, `[N, 1, 1, 1]`.
 *
 * Summed pairwise (a fixed tree of element-wise adds over halves) rather than with `tf.mean`, whose
 * accumulation order and precision differ between backends: this keeps `adjustContrast` (and so
 * colour jitter) bit-identical on CPU and WASM. The values are laid out pixel-major, `[H·W·C, N]`,
 * so that every half is a contiguous slice. Internal; the caller owns the tidy scope.
 */
export function imageMean(x: Tensor4D): Tensor4D {
  const [n, h, w, c] = x.shape;
  const count = h * w * c;
  let width = 1;
  while (width < count) width *= 2;
  let t: tf.Tensor2D = tf.transpose(tf.reshape(x, [n, count]));
  if (width > count) t = tf.concat([t, tf.zeros([width - count, n])], 0);
  while (width > 1) {
    width /= 2;
    t = tf.add(tf.slice(t, [0, 0], [width, n]), tf.slice(t, [width, 0], [width, n]));
  }
  return tf.reshape(tf.div(t, count), [n, 1, 1, 1]);
}
