import type { Transform } from '@bdst/core';
import { compose } from './compose.js';
import { checkImageBatch, checkSize } from './argument-checks.js';
import { vflip } from './functional/flip.js';
import { colorJitter } from './random/color-jitter.js';
import { randomCrop } from './random/random-crop.js';
import { randomHorizontalFlip } from './random/random-flip.js';
import { randomGrayscale } from './random/random-grayscale.js';
import { randomResizedCrop } from './random/random-resized-crop.js';
import { randomRotation } from './random/random-rotation.js';

/**
 * The strong augmentation T of Algorithm 1, `RCS0.5+VFlip` (Section 4.2–4.3: "random cropping of
 * 0.5 part of the image combined with vertical flipping"): a random resized crop of half the image
 * area (aspect ratio in [3/4, 4/3]) resized back to the input size, then a vertical flip of every
 * image. Same as `parseAugmentation('RCS0.5+VFlip')`.
 */
export const paperStrongAugment: Transform = compose([
  randomResizedCrop({ scale: [0.5, 0.5] }),
  (x) => {
    checkImageBatch('paperStrongAugment', x);
    return vflip(x);
  },
]);

/**
 * The training augmentation of Section 5.1 for pretraining and self-training: "random cropping of
 * padding=4, random horizontal flips and random rotation of 2 degrees" — `randomCrop({ padding: 4 })`,
 * `randomHorizontalFlip(0.5)`, `randomRotation(2)` (U(−2°, 2°), nearest, black fill).
 */
export const standardTrainAugment: Transform = compose([randomCrop({ padding: 4 }), randomHorizontalFlip(0.5), randomRotation(2)]);

/**
 * SimCLR's CIFAR-10 augmentation (Chen et al. 2020, Appendix B.9; the paper's Section 5.1 "standard
 * data augmentations as used in [17]"): random resized crop (scale [0.08, 1], ratio [3/4, 4/3]) to
 * `size`, horizontal flip (p 0.5), colour jitter (brightness 0.4, contrast 0.4, saturation 0.4, hue
 * 0.1) applied with p 0.8 (`RandomApply`, folded into `colorJitter`'s `p`), grayscale with p 0.2.
 * No blur (SimCLR omits it on CIFAR-10).
 *
 * @param size output size in pixels, a number or `[h, w]`; default: the input size (32 for CIFAR-10).
 */
export function simclrAugment(size?: number | readonly [number, number]): Transform {
  const outSize = size === undefined ? undefined : checkSize('simclrAugment', 'size', size);
  return compose([
    randomResizedCrop({ size: outSize, scale: [0.08, 1] }),
    randomHorizontalFlip(0.5),
    colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8 }),
    randomGrayscale(0.2),
  ]);
}
