import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { argumentError, checkImageBatch } from '../argument-checks.js';
import { padCrop } from '../functional/pad-crop.js';

/** Options of {@link randomCrop}. */
export interface RandomCropOptions {
  /** Zero padding on each side in pixels; default 4 (Section 5.1, "random cropping of padding=4"). */
  padding?: number;
}

/**
 * Samples one crop offset `[top, left]` per image, each uniform over the integers `0 … 2·padding`
 * (torchvision `RandomCrop.get_params` on the padded image: `randint(0, H + 2p − H + 1)`), drawing
 * top then left.
 */
export function sampleCropOffsets(n: number, padding: number, rng: Rng): [number, number][] {
  if (!Number.isInteger(n) || n < 0) argumentError('sampleCropOffsets', `n must be an integer ≥ 0, but got ${n}`);
  if (!Number.isInteger(padding) || padding < 0) argumentError('sampleCropOffsets', `padding must be an integer ≥ 0, but got ${padding}`);
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) out.push([rng.int(2 * padding + 1), rng.int(2 * padding + 1)]);
  return out;
}

/**
 * Pads each image with zeros and crops it back to its size at a random offset (torchvision
 * `RandomCrop(size, padding=4)`): offsets from {@link sampleCropOffsets}, then {@link padCrop}.
 * The training augmentation of Section 5.1 (with a horizontal flip and a 2° rotation).
 */
export function randomCrop(options: RandomCropOptions = {}): Transform {
  const op = 'randomCrop';
  const padding = options.padding ?? 4;
  if (!Number.isInteger(padding) || padding < 0) argumentError(op, `padding must be an integer ≥ 0, but got ${padding}`);
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n] = checkImageBatch(op, x);
    return padCrop(x, padding, sampleCropOffsets(n, padding, rng));
  };
}
