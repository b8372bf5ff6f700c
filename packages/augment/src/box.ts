import { argumentError, describe } from './argument-checks.js';

/**
 * A pixel box `[top, left, height, width]` (integers; rows then columns, origin at the top-left
 * pixel), torchvision's `(i, j, h, w)` order for `crop`, `resized_crop` and `erase`.
 */
export type Box = readonly [top: number, left: number, height: number, width: number];

/**
 * Checks one box per sample, each of integers lying inside an `h × w` image. `minSize` is 1 for
 * crops (a crop must contain a pixel) and 0 for erasing (an empty box erases nothing).
 * Internal to the package.
 */
export function checkBoxes(op: string, boxes: readonly Box[], n: number, h: number, w: number, minSize: 0 | 1): void {
  if (!Array.isArray(boxes)) argumentError(op, `boxes must be an array of [top, left, height, width], but got ${describe(boxes)}`);
  if (boxes.length !== n) argumentError(op, `boxes must have one box per sample (${n}), but got ${boxes.length}`);
  for (let i = 0; i < n; i++) {
    const b = boxes[i];
    if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => Number.isInteger(v))) {
      argumentError(op, `boxes[${i}] must be [top, left, height, width] of integers, but got ${describe(b)}`);
    }
    const [top, left, bh, bw] = b;
    if (bh < minSize || bw < minSize) {
      argumentError(op, `boxes[${i}] must have height and width ≥ ${minSize}, but got ${describe(b)}`);
    }
    if (top < 0 || left < 0 || top + bh > h || left + bw > w) {
      argumentError(op, `boxes[${i}] = ${describe(b)} must lie inside the ${h}×${w} image (0 ≤ top, top + height ≤ ${h}, 0 ≤ left, left + width ≤ ${w})`);
    }
  }
}
