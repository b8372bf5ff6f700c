import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { argumentError, checkImageBatch, checkRange, checkSize } from '../argument-checks.js';
import type { Box } from '../box.js';
import { resizedCrop, type ResizeInterpolation } from '../functional/resized-crop.js';
import { roundHalfEven } from '../round-half-even.js';

/** The sampling ranges of a random resized crop (torchvision `RandomResizedCrop.get_params`). */
export interface ResizedCropSampling {
  /** Range of the crop's area as a fraction of the image area; default `[0.08, 1]`; 0 < lo ≤ hi ≤ 1. */
  scale?: readonly [number, number];
  /** Range of the crop's aspect ratio width/height, sampled log-uniformly; default `[3/4, 4/3]`. */
  ratio?: readonly [number, number];
}

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropOptions extends ResizedCropSampling {
  /** Output `[height, width]` (a number means a square); default: the input's size (crop and resize back). */
  size?: number | readonly [number, number];
  /** Resize interpolation; default `'bilinear'` (no antialias), as torchvision on tensors. */
  interpolation?: ResizeInterpolation;
}

function checkSampling(op: string, options: ResizedCropSampling): { scale: [number, number]; ratio: [number, number] } {
  const scale = checkRange(op, 'scale', options.scale ?? [0.08, 1], (v) => v > 0 && v <= 1, 'in (0, 1]');
  const ratio = checkRange(op, 'ratio', options.ratio ?? [3 / 4, 4 / 3], (v) => v > 0 && Number.isFinite(v), 'positive');
  return { scale, ratio };
}

/**
 * Samples one crop box per image exactly as torchvision's `RandomResizedCrop.get_params`: up to
 * 10 tries of (area fraction ~ U(scale), aspect ratio ~ exp(U(log ratio)), `w = round(√(A·r))`,
 * `h = round(√(A/r))` with Python's ties-to-even rounding), accepting the first that fits and
 * placing it uniformly; if none fits, the central crop clamped to the ratio range.
 *
 * Draws per image, in order: 2 numbers per try, then 2 for the position (`rng.int`).
 *
 * @param n number of images; `h`, `w` their size in pixels.
 * @returns one `[top, left, height, width]` per image, inside the image.
 */
export function sampleResizedCropBoxes(n: number, h: number, w: number, options: ResizedCropSampling, rng: Rng): Box[] {
  const op = 'sampleResizedCropBoxes';
  if (!Number.isInteger(n) || n < 0) argumentError(op, `n must be an integer ≥ 0, but got ${n}`);
  if (!Number.isInteger(h) || h < 1 || !Number.isInteger(w) || w < 1) argumentError(op, `h and w must be integers ≥ 1, but got ${h}×${w}`);
  const { scale, ratio } = checkSampling(op, options);
  const area = h * w;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  const boxes: Box[] = [];
  for (let s = 0; s < n; s++) {
    let box: Box | null = null;
    for (let attempt = 0; attempt < 10 && box === null; attempt++) {
      const targetArea = area * rng.uniform(scale[0], scale[1]);
      const aspect = Math.exp(rng.uniform(logLo, logHi));
      const cw = roundHalfEven(Math.sqrt(targetArea * aspect));
      const ch = roundHalfEven(Math.sqrt(targetArea / aspect));
      if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
        const top = rng.int(h - ch + 1);
        const left = rng.int(w - cw + 1);
        box = [top, left, ch, cw];
      }
    }
    if (box === null) {
      // torchvision's fallback: the central crop, clamped to the ratio range.
      const inRatio = w / h;
      let cw = w;
      let ch = h;
      if (inRatio < ratio[0]) ch = roundHalfEven(w / ratio[0]);
      else if (inRatio > ratio[1]) cw = roundHalfEven(h * ratio[1]);
      box = [Math.floor((h - ch) / 2), Math.floor((w - cw) / 2), ch, cw];
    }
    boxes.push(box);
  }
  return boxes;
}

/**
 * Crops a random part of each image and resizes it to `size` (torchvision `RandomResizedCrop`):
 * boxes from {@link sampleResizedCropBoxes}, then {@link resizedCrop}. The paper's `RCS<x>`
 * (Section 4.2, `scale = [x, x]`, resized back to the input size) and SimCLR's crop
 * (`scale = [0.08, 1]`).
 */
export function randomResizedCrop(options: RandomResizedCropOptions = {}): Transform {
  const op = 'randomResizedCrop';
  const sampling = checkSampling(op, options);
  const size = options.size === undefined ? undefined : checkSize(op, 'size', options.size);
  const interpolation = options.interpolation ?? 'bilinear';
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
    argumentError(op, `interpolation must be 'bilinear' or 'nearest', but got ${String(interpolation)}`);
  }
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n, h, w] = checkImageBatch(op, x);
    const boxes = sampleResizedCropBoxes(n, h, w, sampling, rng);
    return resizedCrop(x, boxes, size ?? [h, w], interpolation);
  };
}
