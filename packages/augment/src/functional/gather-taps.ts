import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';

/**
 * One interpolation tap of a resampling: for every output pixel (flattened over the batch as
 * `n·outH·outW + y·outW + x`) the flat source pixel index `n·H·W + sy·W + sx` it reads, or −1 for
 * "outside the image" (reads zeros, as torch's `padding_mode="zeros"`), and optionally its weight.
 */
export interface GatherTap {
  readonly index: Int32Array;
  /** Per output pixel weight (float32); omitted means 1 (a nearest-neighbour or copy tap). */
  readonly weight?: Float32Array;
}

/**
 * Resamples `x` through host-computed taps: `out = Σ_t weight_t · x[index_t]`, summed left to
 * right in tap order. Used by crops, resizes, rotations and padding.
 *
 * Computing the coordinates on the host (in emulated float32, mirroring torch's arithmetic) and
 * doing only gathers, multiplies and adds on the device keeps the result bit-identical on every
 * backend: those ops are exactly rounded everywhere, unlike `cropAndResize` / `transform`, whose
 * coordinate arithmetic differs between the CPU (float64) and WASM (float32) kernels.
 * Internal to the package; the caller owns the tidy scope.
 */
export function gatherTaps(x: Tensor4D, taps: readonly GatherTap[], outH: number, outW: number): Tensor4D {
  const [n, h, w, c] = x.shape;
  const m = n * outH * outW;
  const zeroRow = n * h * w;
  // The source pixels as rows, plus one zero row that "outside" indices point to.
  const rows = tf.concat([tf.reshape(x, [zeroRow, c]), tf.zeros([1, c])], 0);
  let acc: tf.Tensor2D | null = null;
  for (const tap of taps) {
    const index = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const v = tap.index[i];
      index[i] = v < 0 ? zeroRow : v;
    }
    let g = tf.gather(rows, tf.tensor1d(index, 'int32'), 0) as tf.Tensor2D;
    if (tap.weight) g = tf.mul(g, tf.tensor2d(tap.weight, [m, 1]));
    acc = acc === null ? g : (tf.add(acc, g) as tf.Tensor2D);
  }
  if (acc === null) throw new Error('gatherTaps: at least one tap is required');
  return tf.reshape(acc, [n, outH, outW, c]);
}
