import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { argumentError, checkImageBatch, checkSize } from '../argument-checks.js';
import { checkBoxes, type Box } from '../box.js';
import { gatherTaps, type GatherTap } from './gather-taps.js';

/** Interpolation for resizing: `'bilinear'` (default, no antialias) or `'nearest'` (torch's legacy nearest). */
export type ResizeInterpolation = 'bilinear' | 'nearest';

const f = Math.fround;

/**
 * Source positions along one axis for resizing `inSize` pixels to `outSize` pixels, as torch's
 * `upsample_bilinear2d` (align_corners = false, no antialias) computes them in float32: for output
 * index `i`, `src = max(0, scale·(i + ½) − ½)` with `scale = in/out`, taps `⌊src⌋` and the next
 * pixel (clamped to the last one), weights `1 − λ` and `λ`.
 */
function linearAxis(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w0: Float32Array; w1: Float32Array } {
  const scale = f(inSize / outSize);
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float32Array(outSize);
  const w1 = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    let src = f(f(scale * f(i + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.trunc(src);
    const lambda = f(src - lo);
    i0[i] = lo;
    i1[i] = lo + (lo < inSize - 1 ? 1 : 0);
    w1[i] = lambda;
    w0[i] = f(1 - lambda);
  }
  return { i0, i1, w0, w1 };
}

/** Torch's legacy `nearest` source index: `min(⌊i · in/out⌋, in − 1)` (exact copies for equal sizes and for 2×). */
function nearestAxis(inSize: number, outSize: number): Int32Array {
  const out = new Int32Array(outSize);
  const scale = f(inSize / outSize);
  for (let i = 0; i < outSize; i++) {
    if (outSize === inSize) out[i] = i;
    else if (outSize === 2 * inSize) out[i] = i >> 1;
    else out[i] = Math.min(Math.floor(f(i * scale)), inSize - 1);
  }
  return out;
}

/**
 * Crops each image to its own box and resizes the crop to `size` (torchvision
 * `F.resized_crop(img, top, left, height, width, size, interpolation, antialias=False)`):
 * bilinear with half-pixel centres (align_corners = false) and no antialiasing, or torch's legacy
 * nearest. The kernel of `randomResizedCrop` and the paper's `RCS<x>` (Section 4.2).
 *
 * @param x NHWC float32 batch, any number of channels.
 * @param boxes one `[top, left, height, width]` per sample, integer pixels, inside the image,
 *   height and width ≥ 1.
 * @param size output `[height, width]` in pixels (a number means a square).
 * @param interpolation `'bilinear'` (default) or `'nearest'`.
 */
export function resizedCrop(
  x: Tensor4D,
  boxes: readonly Box[],
  size: number | readonly [number, number],
  interpolation: ResizeInterpolation = 'bilinear',
): Tensor4D {
  const op = 'resizedCrop';
  const [n, h, w] = checkImageBatch(op, x);
  checkBoxes(op, boxes, n, h, w, 1);
  const [oh, ow] = checkSize(op, 'size', size);
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
    argumentError(op, `interpolation must be 'bilinear' or 'nearest', but got ${String(interpolation)}`);
  }
  const m = n * oh * ow;
  const taps: GatherTap[] = [];
  if (interpolation === 'nearest') {
    const index = new Int32Array(m);
    for (let s = 0; s < n; s++) {
      const [top, left, bh, bw] = boxes[s];
      const ys = nearestAxis(bh, oh);
      const xs = nearestAxis(bw, ow);
      for (let i = 0; i < oh; i++) {
        const rowBase = (s * h + top + ys[i]) * w + left;
        for (let j = 0; j < ow; j++) index[(s * oh + i) * ow + j] = rowBase + xs[j];
      }
    }
    taps.push({ index });
  } else {
    // Four taps in torch's order: (y0,x0), (y0,x1), (y1,x0), (y1,x1).
    const idx = [new Int32Array(m), new Int32Array(m), new Int32Array(m), new Int32Array(m)];
    const wgt = [new Float32Array(m), new Float32Array(m), new Float32Array(m), new Float32Array(m)];
    for (let s = 0; s < n; s++) {
      const [top, left, bh, bw] = boxes[s];
      const ya = linearAxis(bh, oh);
      const xa = linearAxis(bw, ow);
      for (let i = 0; i < oh; i++) {
        const r0 = (s * h + top + ya.i0[i]) * w + left;
        const r1 = (s * h + top + ya.i1[i]) * w + left;
        const wy0 = ya.w0[i];
        const wy1 = ya.w1[i];
        for (let j = 0; j < ow; j++) {
          const o = (s * oh + i) * ow + j;
          const c0 = xa.i0[j];
          const c1 = xa.i1[j];
          idx[0][o] = r0 + c0;
          idx[1][o] = r0 + c1;
          idx[2][o] = r1 + c0;
          idx[3][o] = r1 + c1;
          wgt[0][o] = f(wy0 * xa.w0[j]);
          wgt[1][o] = f(wy0 * xa.w1[j]);
          wgt[2][o] = f(wy1 * xa.w0[j]);
          wgt[3][o] = f(wy1 * xa.w1[j]);
        }
      }
    }
    for (let t = 0; t < 4; t++) taps.push({ index: idx[t], weight: wgt[t] });
  }
  return tf.tidy(() => gatherTaps(x, taps, oh, ow));
}
