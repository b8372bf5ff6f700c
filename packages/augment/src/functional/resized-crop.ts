import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { argumentError, checkImageBatch, checkSize } from '../argument-checks.js';
import { checkBoxes, type Box } from '../box.js';
import { emptyBatch } from '../empty-batch.js';
import { resampleAxis, type AxisTap } from './resample-axis.js';

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
  const [n, h, w, c] = checkImageBatch(op, x);
  checkBoxes(op, boxes, n, h, w, 1);
  const [oh, ow] = checkSize(op, 'size', size);
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
    argumentError(op, `interpolation must be 'bilinear' or 'nearest', but got ${String(interpolation)}`);
  }
  if (n === 0) return emptyBatch(oh, ow, c);
  if (interpolation === 'nearest') {
    const rows = new Int32Array(n * oh);
    const cols = new Int32Array(n * ow);
    for (let s = 0; s < n; s++) {
      const [top, left, bh, bw] = boxes[s];
      rows.set(nearestAxis(bh, oh).map((v) => v + top), s * oh);
      cols.set(nearestAxis(bw, ow).map((v) => v + left), s * ow);
    }
    return tf.tidy(() => resampleAxis(resampleAxis(x, 1, [{ index: rows }], oh), 2, [{ index: cols }], ow));
  }
  // Separable, columns first, as torch's upsample_bilinear2d: h0·(w0·x00 + w1·x01) + h1·(w0·x10 + w1·x11).
  const rowTaps = axisTaps(n, oh, (s) => linearAxis(boxes[s][2], oh), (s) => boxes[s][0]);
  const colTaps = axisTaps(n, ow, (s) => linearAxis(boxes[s][3], ow), (s) => boxes[s][1]);
  return tf.tidy(() => resampleAxis(resampleAxis(x, 2, colTaps, ow), 1, rowTaps, oh));
}

/** Stacks per-sample linear-axis tables (shifted by each box's offset) into two batched taps. */
function axisTaps(n: number, outLen: number, axis: (s: number) => ReturnType<typeof linearAxis>, offset: (s: number) => number): AxisTap[] {
  const i0 = new Int32Array(n * outLen);
  const i1 = new Int32Array(n * outLen);
  const w0 = new Float32Array(n * outLen);
  const w1 = new Float32Array(n * outLen);
  for (let s = 0; s < n; s++) {
    const a = axis(s);
    const o = offset(s);
    i0.set(a.i0.map((v) => v + o), s * outLen);
    i1.set(a.i1.map((v) => v + o), s * outLen);
    w0.set(a.w0, s * outLen);
    w1.set(a.w1, s * outLen);
  }
  return [
    { index: i0, weight: w0 },
    { index: i1, weight: w1 },
  ];
}
