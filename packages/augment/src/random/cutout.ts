import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { argumentError, checkImageBatch } from '../argument-checks.js';
import type { Box } from '../box.js';
import { erase } from '../functional/erase.js';

/** Options of {@link cutout}: give `size` or `scale`, not both. */
export interface CutoutOptions {
  /** Side of the square hole in pixels (integer ≥ 1). */
  size?: number;
  /**
   * Side of the square hole as a fraction of the shorter image side, in (0, 1]; default 0.5, i.e.
   * 16 px on 32×32 images — CutOut's CIFAR-10 setting (DeVries & Taylor 2017).
   */
  scale?: number;
  /** Fill value in [0, 1]; default 0. */
  value?: number;
}

function holeSide(op: string, options: CutoutOptions, h: number, w: number): number {
  if (options.size !== undefined && options.scale !== undefined) argumentError(op, 'give either size or scale, not both');
  if (options.size !== undefined) {
    if (!Number.isInteger(options.size) || options.size < 1) argumentError(op, `size must be an integer ≥ 1, but got ${options.size}`);
    return options.size;
  }
  const scale = options.scale ?? 0.5;
  if (!(scale > 0 && scale <= 1)) argumentError(op, `scale must be in (0, 1], but got ${scale}`);
  return Math.max(1, Math.round(scale * Math.min(h, w)));
}

/**
 * Samples one CutOut hole per image as the reference CutOut code does: a centre pixel uniform over
 * the image (`rng.int(h)`, then `rng.int(w)`), a `side × side` square around it
 * (`[cy − ⌊side/2⌋, cy + ⌊side/2⌋)` for an even side), clipped to the image — so holes near a border
 * are smaller, and may be empty.
 *
 * @returns one `[top, left, height, width]` per image, inside the image.
 */
export function sampleCutoutBoxes(n: number, h: number, w: number, side: number, rng: Rng): Box[] {
  const op = 'sampleCutoutBoxes';
  if (!Number.isInteger(n) || n < 0) argumentError(op, `n must be an integer ≥ 0, but got ${n}`);
  if (!Number.isInteger(side) || side < 1) argumentError(op, `side must be an integer ≥ 1, but got ${side}`);
  const half = Math.floor(side / 2);
  const boxes: Box[] = [];
  for (let i = 0; i < n; i++) {
    const cy = rng.int(h);
    const cx = rng.int(w);
    const y1 = Math.min(Math.max(cy - half, 0), h);
    const y2 = Math.min(Math.max(cy - half + side, 0), h);
    const x1 = Math.min(Math.max(cx - half, 0), w);
    const x2 = Math.min(Math.max(cx - half + side, 0), w);
    boxes.push([y1, x1, y2 - y1, x2 - x1]);
  }
  return boxes;
}

/**
 * CutOut (DeVries & Taylor 2017; the paper's `CutOut`, Figure 1): erases one random square per
 * image. Holes from {@link sampleCutoutBoxes}, erased by {@link erase}.
 */
export function cutout(options: CutoutOptions = {}): Transform {
  const op = 'cutout';
  holeSide(op, options, 1, 1); // validate now; the real side depends on the image size
  const value = options.value ?? 0;
  if (!Number.isFinite(value)) argumentError(op, `value must be a finite number, but got ${value}`);
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n, h, w] = checkImageBatch(op, x);
    return erase(x, sampleCutoutBoxes(n, h, w, holeSide(op, options, h, w), rng), value);
  };
}
