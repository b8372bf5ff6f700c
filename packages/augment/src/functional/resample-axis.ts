import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';

/**
 * One interpolation tap of a resampling along one image axis: for every sample `s` and output
 * position `i` (flattened as `s·outLen + i`) the source position it reads along that axis, or −1 for
 * "outside the image" (reads zeros, as torch's zero padding), and optionally its weight.
 */
export interface AxisTap {
  readonly index: Int32Array;
  /** Weight per sample and output position (float32); omitted means 1 (a nearest or copy tap). */
  readonly weight?: Float32Array;
}

/** Far below any valid flat index, so that `OUTSIDE + offset` stays negative (and within int32). */
const OUTSIDE = -(2 ** 30);

/**
 * `x` as pixel rows `[1 + N·H·W, C]`, the first row being the zero that out-of-image reads select.
 * Internal; the caller owns the tidy scope.
 */
export function pixelRows(x: Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  return tf.concat([tf.zeros([1, c]), tf.reshape(x, [n * h * w, c])], 0);
}

/**
 * Gathers pixels of `rows` (from {@link pixelRows}) at flat indices `1 + (s·H + y)·W + x`, where a
 * negative index (outside the image) selects the zero row. Internal; the caller owns the tidy scope.
 */
export function readPixels(rows: tf.Tensor2D, flatIndex: tf.Tensor, shape: [number, number, number, number]): Tensor4D {
  const one = tf.scalar(1, 'int32');
  const index = tf.reshape(tf.maximum(tf.add(flatIndex, one), tf.scalar(0, 'int32')), [-1]);
  return tf.reshape(tf.gather(rows, index, 0), shape);
}

/**
 * Resamples `x` along `axis` (1 = rows, 2 = columns) with per-sample source positions:
 * `out[s, …, i, …] = Σ_t weight_t[s, i] · x[s, …, index_t[s, i], …]`, summed left to right in tap
 * order. The host computes only `N × outLen` positions and weights per tap (never one entry per
 * pixel); the device builds the flat pixel indices with int32 broadcasting and does gathers,
 * multiplies and adds, which are exactly rounded on every backend, so results are bit-identical on
 * CPU and WASM (unlike `cropAndResize`, whose coordinate arithmetic differs between backends, and
 * unlike `gather` with `batchDims`, which the WASM backend gets wrong for N > 1).
 * Crops, resizes and padding are two such passes (separable).
 * Internal to the package; the caller owns the tidy scope and handles N = 0.
 */
export function resampleAxis(x: Tensor4D, axis: 1 | 2, taps: readonly AxisTap[], outLen: number): Tensor4D {
  const [n, h, w, c] = x.shape;
  const rows = pixelRows(x);
  const outShape: [number, number, number, number] = axis === 1 ? [n, outLen, w, c] : [n, h, outLen, c];
  const weightShape: [number, number, number, number] = axis === 1 ? [n, outLen, 1, 1] : [n, 1, outLen, 1];
  // Flat index = base (per sample and row) + offset (per column), both int32.
  const rowBase = new Int32Array(n * h);
  for (let s = 0; s < n; s++) for (let i = 0; i < h; i++) rowBase[s * h + i] = (s * h + i) * w;
  let acc: Tensor4D | null = null;
  for (const tap of taps) {
    let flat: tf.Tensor;
    if (axis === 1) {
      const base = new Int32Array(n * outLen);
      for (let s = 0; s < n; s++) {
        for (let i = 0; i < outLen; i++) {
          const src = tap.index[s * outLen + i];
          base[s * outLen + i] = src < 0 ? OUTSIDE : (s * h + src) * w;
        }
      }
      flat = tf.add(tf.tensor3d(base, [n, outLen, 1], 'int32'), tf.reshape(tf.range(0, w, 1, 'int32'), [1, 1, w]));
    } else {
      const offset = tap.index.map((v) => (v < 0 ? OUTSIDE : v));
      flat = tf.add(tf.tensor3d(rowBase, [n, h, 1], 'int32'), tf.tensor3d(offset, [n, 1, outLen], 'int32'));
    }
    let g = readPixels(rows, flat, outShape);
    if (tap.weight) g = tf.mul(g, tf.tensor4d(tap.weight, weightShape));
    acc = acc === null ? g : (tf.add(acc, g) as Tensor4D);
  }
  if (acc === null) throw new Error('resampleAxis: at least one tap is required');
  return acc;
}
