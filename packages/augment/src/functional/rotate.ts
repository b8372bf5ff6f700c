import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { argumentError, checkImageBatch, perSampleNumbers } from '../argument-checks.js';
import { roundHalfEven } from '../round-half-even.js';
import { gatherTaps } from './gather-taps.js';

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
 * i.e. the `RandomRotation` path). The source position of every output pixel is computed on the
 * host with torchvision's inverse matrix and `grid_sample` arithmetic (float32, align_corners =
 * false, zeros padding): nearest rounds half to even; bilinear blends four neighbours and then
 * mixes in `fill` with torchvision's coverage mask (`img·mask + (1 − mask)·fill`).
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

  const m = n * h * w;
  const halfW = f(0.5 * w);
  const halfH = f(0.5 * h);
  const nearest = interpolation === 'nearest';
  const taps = nearest ? 1 : 4;
  const index = Array.from({ length: taps }, () => new Int32Array(m));
  const weight = Array.from({ length: taps }, () => new Float32Array(m));
  const outside = new Float32Array(m); // nearest: 1 where the source is outside the image
  const mask = new Float32Array(m); // bilinear: torchvision's coverage mask
  const inside = (yy: number, xx: number): boolean => yy >= 0 && yy < h && xx >= 0 && xx < w;

  for (let s = 0; s < n; s++) {
    const theta = (deg[s] * Math.PI) / 180;
    // torchvision's inverse affine matrix for F.rotate(angle) (it passes -angle to
    // _get_inverse_affine_matrix): [cos θ, −sin θ, 0; sin θ, cos θ, 0], rescaled by [w/2, h/2].
    const a00 = f(f(Math.cos(theta)) / halfW);
    const a10 = f(f(-Math.sin(theta)) / halfW);
    const a01 = f(f(Math.sin(theta)) / halfH);
    const a11 = f(f(Math.cos(theta)) / halfH);
    for (let i = 0; i < h; i++) {
      const yb = -h * 0.5 + 0.5 + i;
      for (let j = 0; j < w; j++) {
        const xb = -w * 0.5 + 0.5 + j;
        const gx = f(f(xb * a00) + f(yb * a10));
        const gy = f(f(xb * a01) + f(yb * a11));
        const ix = f(f(f(gx + 1) * w - 1) / 2);
        const iy = f(f(f(gy + 1) * h - 1) / 2);
        const o = (s * h + i) * w + j;
        const base = s * h * w;
        if (nearest) {
          const xn = roundHalfEven(ix);
          const yn = roundHalfEven(iy);
          if (inside(yn, xn)) index[0][o] = base + yn * w + xn;
          else {
            index[0][o] = -1;
            outside[o] = 1;
          }
        } else {
          const x0 = Math.floor(ix);
          const y0 = Math.floor(iy);
          const x1 = x0 + 1;
          const y1 = y0 + 1;
          const corners: [number, number, number][] = [
            [y0, x0, f(f(x1 - ix) * f(y1 - iy))],
            [y0, x1, f(f(ix - x0) * f(y1 - iy))],
            [y1, x0, f(f(x1 - ix) * f(iy - y0))],
            [y1, x1, f(f(ix - x0) * f(iy - y0))],
          ];
          let cover = 0;
          for (let t = 0; t < 4; t++) {
            const [yy, xx, wt] = corners[t];
            const ok = inside(yy, xx);
            index[t][o] = ok ? base + yy * w + xx : -1;
            weight[t][o] = wt;
            cover = f(cover + (ok ? wt : 0));
          }
          mask[o] = cover;
        }
      }
    }
  }

  return tf.tidy(() => {
    if (nearest) {
      const out = gatherTaps(x, [{ index: index[0] }], h, w);
      if (fill === 0) return out;
      const c = x.shape[3];
      return tf.reshape(tf.add(tf.reshape(out, [m, c]), tf.mul(tf.tensor2d(outside, [m, 1]), fill)), [n, h, w, c]) as Tensor4D;
    }
    const out = gatherTaps(x, index.map((idx, t) => ({ index: idx, weight: weight[t] })), h, w);
    const c = x.shape[3];
    const maskT = tf.tensor2d(mask, [m, 1]);
    const mixed = tf.add(tf.mul(tf.reshape(out, [m, c]), maskT), tf.mul(tf.sub(1, maskT), fill));
    return tf.reshape(mixed, [n, h, w, c]) as Tensor4D;
  });
}

