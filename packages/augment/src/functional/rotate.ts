import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { argumentError, checkImageBatch, perSampleNumbers } from '../argument-checks.js';
import { emptyBatch } from '../empty-batch.js';

/** Options of {@link rotate}. */
export interface RotateOptions {
  /** `'nearest'` (default, torchvision's default for rotation) or `'bilinear'`. */
  interpolation?: 'nearest' | 'bilinear';
  /** Value (in [0, 1]) for pixels that come from outside the image; default 0 (black). */
  fill?: number;
}

const f = Math.fround;

/**
 * Rotates each image by its own angle, in degrees counter-clockwise about the image centre,
 * keeping the size (torchvision `F.rotate(img, angle, interpolation, expand=False, fill=[fill]*C)`,
 * i.e. the `RandomRotation` path). The host computes one inverse matrix per sample; the source
 * position of every output pixel is computed on the device with torchvision's `affine_grid` /
 * `grid_sample` arithmetic (float32, one exactly rounded op at a time, align_corners = false,
 * zeros padding), so results are bit-identical on every backend: nearest rounds half to even;
 * bilinear blends four neighbours and then mixes in `fill` with torchvision's coverage mask
 * (`img·mask + (1 − mask)·fill`).
 * The kernel of `randomRotation` (the paper's `Rot`, Figure 1; 2° in Section 5.1).
 *
 * @param x NHWC float32 batch, any number of channels.
 * @param angles degrees counter-clockwise: one for the batch, or one per sample.
 */
export function rotate(x: Tensor4D, angles: number | ArrayLike<number>, options: RotateOptions = {}): Tensor4D {
  const op = 'rotate';
  const [n, h, w] = checkImageBatch(op, x);
  const deg = perSampleNumbers(op, 'angles', angles, n);
  const interpolation = options.interpolation ?? 'nearest';
  const fill = options.fill ?? 0;
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
    argumentError(op, `interpolation must be 'nearest' or 'bilinear', but got ${String(interpolation)}`);
  }
  if (typeof fill !== 'number' || !Number.isFinite(fill)) argumentError(op, `fill must be a finite number, but got ${fill}`);

  const nearest = interpolation === 'nearest';
  const c = x.shape[3];
  if (n === 0) return emptyBatch(h, w, c);

  // Per sample, the host computes only torchvision's inverse matrix (for F.rotate(angle) it passes
  // −angle to _get_inverse_affine_matrix: [cos θ, −sin θ; sin θ, cos θ], rescaled by [w/2, h/2]).
  const halfW = f(0.5 * w);
  const halfH = f(0.5 * h);
  const a00 = new Float32Array(n);
  const a10 = new Float32Array(n);
  const a01 = new Float32Array(n);
  const a11 = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    const theta = (deg[s] * Math.PI) / 180;
    a00[s] = f(f(Math.cos(theta)) / halfW);
    a10[s] = f(f(-Math.sin(theta)) / halfW);
    a01[s] = f(f(Math.sin(theta)) / halfH);
    a11[s] = f(f(Math.cos(theta)) / halfH);
  }
  // Base grid (pixel centres relative to the image centre), one row and one column: exact in float32.
  const xb = Float32Array.from({ length: w }, (_, j) => -w * 0.5 + 0.5 + j);
  const yb = Float32Array.from({ length: h }, (_, i) => -h * 0.5 + 0.5 + i);

  return tf.tidy(() => {
    // affine_grid + grid_sample's unnormalisation (align_corners = false), one float32 op at a time
    // in torch's order: g = xb·a0 + yb·a1; source = ((g + 1)·size − 1) / 2. Shapes [N, H, W].
    const perSample = (v: Float32Array) => tf.tensor3d(v, [n, 1, 1]);
    const xs = tf.tensor3d(xb, [1, 1, w]);
    const ys = tf.tensor3d(yb, [1, h, 1]);
    const gx = tf.add(tf.mul(xs, perSample(a00)), tf.mul(ys, perSample(a10)));
    const gy = tf.add(tf.mul(xs, perSample(a01)), tf.mul(ys, perSample(a11)));
    const ix = tf.div(tf.sub(tf.mul(tf.add(gx, 1), w), 1), 2);
    const iy = tf.div(tf.sub(tf.mul(tf.add(gy, 1), h), 1), 2);
    // Pixels as rows [1 + N·H·W, C]; row 0 is the zero that out-of-image reads select.
    const pixels = tf.concat([tf.zeros([1, c]), tf.reshape(x, [n * h * w, c])], 0);
    const inside = (yy: tf.Tensor, xx: tf.Tensor) =>
      tf.logicalAnd(tf.logicalAnd(tf.greaterEqual(xx, 0), tf.less(xx, w)), tf.logicalAnd(tf.greaterEqual(yy, 0), tf.less(yy, h)));
    // Row of `pixels`: 1 + (s·H + y)·W + x in int32, or 0 (the zero pixel) outside the image.
    const sampleBase = tf.tensor3d(Int32Array.from({ length: n }, (_, s) => s * h * w), [n, 1, 1], 'int32');
    const read = (yy: tf.Tensor, xx: tf.Tensor, ok: tf.Tensor) => {
      const flat = tf.add(sampleBase, tf.add(tf.mul(tf.cast(yy, 'int32'), tf.scalar(w, 'int32')), tf.cast(xx, 'int32')));
      const one = tf.scalar(1, 'int32');
      const index = tf.mul(tf.add(flat, one), tf.cast(ok, 'int32'));
      return tf.reshape(tf.gather(pixels, tf.reshape(index, [-1]), 0), [n, h * w, c]);
    };
    const toImage = (t: tf.Tensor) => tf.reshape(t, [n, h, w, c]) as Tensor4D;
    if (nearest) {
      // grid_sample's nearest rounds half to even (nearbyint); tf.round does the same.
      const xn = tf.round(ix);
      const yn = tf.round(iy);
      const ok = inside(yn, xn);
      const out = read(yn, xn, ok);
      if (fill === 0) return toImage(out);
      const outside = tf.reshape(tf.sub(1, tf.cast(ok, 'float32')), [n, h * w, 1]);
      return toImage(tf.add(out, tf.mul(outside, fill)));
    }
    const x0 = tf.floor(ix);
    const y0 = tf.floor(iy);
    const x1 = tf.add(x0, 1);
    const y1 = tf.add(y0, 1);
    // Torch's corner order and weights: (y0,x0) (x1−x)(y1−y), (y0,x1) (x−x0)(y1−y), (y1,x0) (x1−x)(y−y0), (y1,x1) (x−x0)(y−y0).
    const corners: [tf.Tensor, tf.Tensor, tf.Tensor][] = [
      [y0, x0, tf.mul(tf.sub(x1, ix), tf.sub(y1, iy))],
      [y0, x1, tf.mul(tf.sub(ix, x0), tf.sub(y1, iy))],
      [y1, x0, tf.mul(tf.sub(x1, ix), tf.sub(iy, y0))],
      [y1, x1, tf.mul(tf.sub(ix, x0), tf.sub(iy, y0))],
    ];
    let acc: tf.Tensor | null = null;
    let cover: tf.Tensor | null = null;
    for (const [yy, xx, weight] of corners) {
      const ok = inside(yy, xx);
      const wt = tf.reshape(weight, [n, h * w, 1]);
      const term = tf.mul(read(yy, xx, ok), wt);
      acc = acc === null ? term : tf.add(acc, term);
      // torchvision's fill mask: grid_sample of an all-ones channel, i.e. the weight of the inside corners.
      const covered = tf.mul(wt, tf.reshape(tf.cast(ok, 'float32'), [n, h * w, 1]));
      cover = cover === null ? covered : tf.add(cover, covered);
    }
    const mask = cover as tf.Tensor;
    return toImage(tf.add(tf.mul(acc as tf.Tensor, mask), tf.mul(tf.sub(1, mask), fill)));
  });
}
