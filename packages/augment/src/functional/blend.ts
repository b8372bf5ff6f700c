import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';

/**
 * torchvision's `_blend` with one ratio per sample: `clamp(r·img1 + (1 − r)·img2, 0, 1)`.
 * `1 − r` is formed on the host in double precision, as Python does before torch sees it.
 * `img2` may broadcast against `img1` (a gray image or a per-image mean). Internal; the caller
 * owns the tidy scope.
 */
export function blend(img1: Tensor4D, img2: tf.Tensor, ratios: Float64Array): Tensor4D {
  const n = ratios.length;
  const r = tf.tensor4d(Float32Array.from(ratios), [n, 1, 1, 1]);
  const oneMinusR = tf.tensor4d(Float32Array.from(ratios, (v) => 1 - v), [n, 1, 1, 1]);
  return tf.clipByValue(tf.add(tf.mul(r, img1), tf.mul(oneMinusR, img2)), 0, 1) as Tensor4D;
}
