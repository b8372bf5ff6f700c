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

/**
 * Resamples `x` along `axis` (1 = rows, 2 = columns) with per-sample source positions:
 * `out[s, …, i, …] = Σ_t weight_t[s, i] · x[s, …, index_t[s, i], …]`, summed left to right in tap
 * order. The host computes only `N × outLen` positions and weights per tap (never one entry per
 * pixel). The device gathers whole image rows (columns go through a transpose), then multiplies and
 * adds: exact copies and exactly rounded float32 ops on every backend, so results are bit-identical
 * on CPU and WASM (unlike `cropAndResize`, whose coordinate arithmetic differs between backends,
 * and unlike `gather` with `batchDims`, which the WASM backend gets wrong for N > 1).
 * Crops, resizes and padding are two such passes (separable).
 * Internal to the package; the caller owns the tidy scope and handles N = 0.
 */
export function resampleAxis(x: Tensor4D, axis: 1 | 2, taps: readonly AxisTap[], outLen: number): Tensor4D {
  // Columns: work on [N, W, H, C] so that both axes are resampled as rows.
  const src = axis === 1 ? x : (tf.transpose(x, [0, 2, 1, 3]) as Tensor4D);
  const [n, len, other, c] = src.shape;
  const rowSize = other * c;
  const outside = taps.some((t) => t.index.some((v) => v < 0));
  // Image rows as [N·len (+ 1 zero row that outside taps read), other·C].
  let rows: tf.Tensor2D = tf.reshape(src, [n * len, rowSize]);
  if (outside) rows = tf.concat([rows, tf.zeros([1, rowSize])], 0);
  let acc: tf.Tensor2D | null = null;
  for (const tap of taps) {
    const index = new Int32Array(n * outLen);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < outLen; i++) {
        const v = tap.index[s * outLen + i];
        index[s * outLen + i] = v < 0 ? n * len : s * len + v;
      }
    }
    let g = tf.gather(rows, tf.tensor1d(index, 'int32'), 0) as tf.Tensor2D;
    if (tap.weight) g = tf.mul(g, tf.tensor2d(tap.weight, [n * outLen, 1]));
    acc = acc === null ? g : (tf.add(acc, g) as tf.Tensor2D);
  }
  if (acc === null) throw new Error('resampleAxis: at least one tap is required');
  const out = tf.reshape(acc, [n, outLen, other, c]) as Tensor4D;
  return axis === 1 ? out : (tf.transpose(out, [0, 2, 1, 3]) as Tensor4D);
}
