import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';

/**
 * Splits an NHWC batch into its channel planes, each `[N, H, W, 1]`. Goes through one transpose to
 * channel-major `[C, N·H·W]` and contiguous slices, which is several times faster on WASM than
 * slicing the innermost axis (`tf.split(x, c, 3)`); exact copies either way.
 * Internal; the caller owns the tidy scope.
 */
export function splitChannels(x: Tensor4D): Tensor4D[] {
  const [n, h, w, c] = x.shape;
  const planes = tf.transpose(tf.reshape(x, [n * h * w, c]));
  return tf.split(planes, c, 0).map((p) => tf.reshape(p, [n, h, w, 1]) as Tensor4D);
}

/** Stacks `[N, H, W, 1]` planes into one NHWC batch (the inverse of {@link splitChannels}). Internal. */
export function mergeChannels(planes: readonly tf.Tensor[]): Tensor4D {
  const [n, h, w] = planes[0].shape;
  const m = n * h * w;
  const stacked = tf.concat(planes.map((p) => tf.reshape(p, [1, m])), 0);
  return tf.reshape(tf.transpose(stacked), [n, h, w, planes.length]) as Tensor4D;
}
