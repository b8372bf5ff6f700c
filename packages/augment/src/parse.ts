import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { argumentError, checkImageBatch, describe } from './argument-checks.js';
import { compose, noAugmentation, yoco } from './compose.js';
import { hflip, vflip } from './functional/flip.js';
import { gaussianBlur } from './functional/gaussian-blur.js';
import { rgbToGrayscale } from './functional/grayscale.js';
import { colorJitter } from './random/color-jitter.js';
import { cutout } from './random/cutout.js';
import { PAPER_GNOISE_VARIANCES, randomGaussianNoise } from './random/random-gaussian-noise.js';
import { randomResizedCrop } from './random/random-resized-crop.js';
import { randomRotation } from './random/random-rotation.js';

/**
 * The augmentations of the paper's Figure 1 screen (Section 4.2), as names `parseAugmentation`
 * accepts. The figure's exact x-axis is not in the text; this list covers every abbreviation of its
 * caption with the parameters bdst uses by default: plain crops and crops with a flip ("random crop
 * and resize (with and without flip)"), blur at two kernel sizes, and YOCO around the augmentations
 * it suits.
 */
export const augmentationNames: readonly string[] = [
  'NoAug',
  'GNoise',
  'RCS0.5',
  'RCS0.5+HFlip',
  'RCS0.5+VFlip',
  'HFlip',
  'VFlip',
  'Rot',
  'GrSc',
  'CJ',
  'GBlur_3_1',
  'GBlur_5_1',
  'CutOut',
  'YOCO(HFlip)',
  'YOCO(CJ)',
  'YOCO(RCS0.5+VFlip)',
];

/** Default half-range of `Rot` in degrees: U(−30°, 30°). */
export const DEFAULT_ROTATION_DEGREES = 30;

/**
 * The paper's `CJ` (Section 4.2: "For color jitter, we randomly choose brightness, contrast,
 * saturation between 0.4-0.8 and hue between 0.1-0.2"), read as torchvision's explicit factor ranges:
 * `ColorJitter(brightness=(0.4, 0.8), contrast=(0.4, 0.8), saturation=(0.4, 0.8), hue=(0.1, 0.2))`,
 * i.e. each image's factors are drawn uniformly from those intervals.
 */
export const PAPER_COLOR_JITTER = {
  brightness: [0.4, 0.8],
  contrast: [0.4, 0.8],
  saturation: [0.4, 0.8],
  hue: [0.1, 0.2],
} as const;

/**
 * The names over which the paper averages `GNoise` (Figure 1: "averaged over normal distribution of
 * variance 0.2, 0.5, 0.7 and 1.0"): `['GNoise_0.2', 'GNoise_0.5', 'GNoise_0.7', 'GNoise_1']`.
 * Evaluate each and average to reproduce the figure; the plain `GNoise` transform instead mixes the
 * four within a batch (one variance chosen per image).
 */
export function gnoiseVariants(): string[] {
  return PAPER_GNOISE_VARIANCES.map((v) => `GNoise_${v}`);
}

/**
 * The names over which the paper averages a YOCO entry (Figure 1: "averaged over horizontal cut and
 * vertical cut"): `yocoVariants('HFlip')` is `['YOCO_H(HFlip)', 'YOCO_V(HFlip)']`.
 */
export function yocoVariants(inner: string): string[] {
  parseAugmentation(inner);
  return [`YOCO_H(${inner})`, `YOCO_V(${inner})`];
}

const GRAMMAR =
  "NoAug, HFlip, VFlip, GrSc, CJ, CutOut, Rot, Rot_<degrees>, GNoise, GNoise_<variance>, RCS<fraction in (0, 1]>, " +
  'GBlur_<odd kernel>_<sigma>, YOCO(<name>), YOCO_H(<name>), YOCO_V(<name>), and <name>+<name>';

function unknown(name: string, why?: string): never {
  return argumentError(
    'parseAugmentation',
    `unknown augmentation ${describe(name)}${why ? ` (${why})` : ''}; valid names: ${GRAMMAR} (e.g. ${augmentationNames.join(', ')})`,
  );
}

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;

/** Splits on '+' outside parentheses. */
function splitTopLevel(name: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth < 0) unknown(name, 'unbalanced parentheses');
    } else if (ch === '+' && depth === 0) {
      parts.push(name.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) unknown(name, 'unbalanced parentheses');
  parts.push(name.slice(start));
  return parts.map((p) => p.trim());
}

const deterministic = (op: string, fn: (x: Tensor4D) => Tensor4D): Transform => (x: Tensor4D, _rng: Rng) => {
  checkImageBatch(op, x);
  return fn(x);
};

function parseTerm(term: string, whole: string): Transform {
  if (term === '') unknown(whole, 'empty term');
  const yocoMatch = /^YOCO(_H|_V)?\((.*)\)$/.exec(term);
  if (yocoMatch) {
    const cut = yocoMatch[1] === '_H' ? 'horizontal' : yocoMatch[1] === '_V' ? 'vertical' : 'random';
    return yoco(parseAugmentation(yocoMatch[2]), { cut });
  }
  switch (term) {
    case 'NoAug':
    case 'No Aug':
      return noAugmentation;
    case 'HFlip':
      return deterministic('HFlip', hflip);
    case 'VFlip':
      return deterministic('VFlip', vflip);
    case 'GrSc':
      return deterministic('GrSc', (x) => rgbToGrayscale(x, x.shape[3] === 1 ? 1 : 3));
    case 'CJ':
      return colorJitter(PAPER_COLOR_JITTER);
    case 'CutOut':
      return cutout();
    case 'Rot':
      return randomRotation(DEFAULT_ROTATION_DEGREES);
    case 'GNoise':
      return randomGaussianNoise({ variance: PAPER_GNOISE_VARIANCES });
  }
  let m = new RegExp(`^Rot_${NUMBER}$`).exec(term);
  if (m) return randomRotation(Number(m[1]));
  m = new RegExp(`^GNoise_${NUMBER}$`).exec(term);
  if (m) return randomGaussianNoise({ variance: Number(m[1]) });
  m = new RegExp(`^RCS${NUMBER}$`).exec(term);
  if (m) {
    const fraction = Number(m[1]);
    if (!(fraction > 0 && fraction <= 1)) unknown(whole, `RCS fraction must be in (0, 1], got ${m[1]}`);
    return randomResizedCrop({ scale: [fraction, fraction] });
  }
  m = new RegExp(`^GBlur_(\\d+)_${NUMBER}$`).exec(term);
  if (m) {
    const k = Number(m[1]);
    const sigma = Number(m[2]);
    if (k < 1 || k % 2 === 0) unknown(whole, `GBlur kernel size must be odd and ≥ 1, got ${k}`);
    if (!(sigma > 0)) unknown(whole, `GBlur sigma must be > 0, got ${m[2]}`);
    return deterministic('GBlur', (x) => gaussianBlur(x, k, sigma));
  }
  return unknown(whole);
}

/**
 * Turns one of the paper's augmentation names (Figure 1, Section 4.2) into a {@link Transform};
 * `+` composes left to right (`RCS0.5+VFlip`). Throws, listing the valid names, for anything else.
 *
 * - `NoAug` (or `No Aug`): identity.
 * - `HFlip`, `VFlip`: flip **every** image (p = 1). The paper lists flips apart from the stochastic
 *   augmentations it averages over runs, and describes its chosen T as crops "combined with
 *   vertical flipping"; `randomHorizontalFlip(p)` is the p < 1 form.
 * - `GrSc`: grayscale every image (3 channels kept; identity on 1-channel images).
 * - `CJ`: colour jitter with factors brightness, contrast, saturation ~ U(0.4, 0.8) and hue shift
 *   ~ U(0.1, 0.2) per image, in random order ({@link PAPER_COLOR_JITTER}). The sentence "we randomly
 *   choose brightness, contrast, saturation between 0.4-0.8 and hue between 0.1-0.2" is read as the
 *   factor ranges passed to torchvision's `ColorJitter` as `(min, max)` tuples; the alternative
 *   reading (jitter strengths b ∈ [0.4, 0.8], factors in [1 − b, 1 + b]) would need a strength
 *   drawn once per run, which the sentence does not say. Hue/saturation are identities on gray images.
 * - `CutOut`: one square hole of half the shorter side per image (16 px on CIFAR-10), black.
 * - `Rot`: random rotation, angle ~ U(−30°, 30°) per image (the paper says only "rotation at
 *   different angles"; 30° is a common strong setting); `Rot_<d>` uses U(−d°, d°) (`Rot_2` is Section 5.1's).
 * - `GNoise_<v>`: clamped Gaussian noise of **variance** v (std √v). `GNoise`: each image gets one
 *   of the paper's variances 0.2, 0.5, 0.7, 1.0 at random; use {@link gnoiseVariants} to evaluate
 *   them separately and average, as Figure 1 does.
 * - `RCS<x>`: random crop covering a fraction x of the image **area**, aspect ratio log-uniform in
 *   [3/4, 4/3], placed uniformly, resized back to the input size (bilinear) — torchvision's
 *   `RandomResizedCrop(size, scale=(x, x))`. Area, not side: "cropping x part of the image" names a
 *   part of the image, and torchvision's `RandomResizedCrop` (what PyTorch code for "random crop and
 *   resize" uses) parameterises that part by its area fraction `scale`; a side fraction of 0.5 would
 *   keep only a quarter of the image.
 * - `GBlur_<k>_<s>`: Gaussian blur, kernel k×k, σ = s (fixed, as the name gives it).
 * - `YOCO(<name>)`: You Only Cut Once around any name (including `+` combinations), each image cut
 *   horizontally or vertically at random; `YOCO_H(...)` / `YOCO_V(...)` fix the cut (see {@link yocoVariants}).
 */
export function parseAugmentation(name: string): Transform {
  if (typeof name !== 'string') unknown(String(name));
  const trimmed = name.trim();
  const parts = splitTopLevel(trimmed);
  const transforms = parts.map((p) => parseTerm(p, trimmed));
  return transforms.length === 1 ? transforms[0] : compose(transforms);
}
