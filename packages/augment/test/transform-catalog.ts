import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { createRng, type Transform } from '@bdst/core';
import {
  colorJitter,
  compose,
  cutout,
  noAugmentation,
  paperStrongAugment,
  parseAugmentation,
  randomApply,
  randomCrop,
  randomGaussianBlur,
  randomGaussianNoise,
  randomGrayscale,
  randomHorizontalFlip,
  randomResizedCrop,
  randomRotation,
  randomVerticalFlip,
  simclrAugment,
  standardTrainAugment,
  yoco,
} from '@bdst/augment';

/** A named transform for the shared contract specs; `random` false means it draws nothing. */
export interface CatalogEntry {
  name: string;
  transform: Transform;
  random: boolean;
}

/**
 * Every random transform, combinator and preset of the package (and the deterministic paper
 * names), so the contract specs (leaks, N = 0, seeds, backends) cover them all. Test support only.
 */
export const transformCatalog: readonly CatalogEntry[] = [
  { name: 'randomResizedCrop()', transform: randomResizedCrop(), random: true },
  { name: 'randomResizedCrop({ size: 8, scale: [0.5, 0.5] })', transform: randomResizedCrop({ size: 8, scale: [0.5, 0.5] }), random: true },
  { name: 'randomResizedCrop nearest', transform: randomResizedCrop({ interpolation: 'nearest' }), random: true },
  { name: 'randomHorizontalFlip(0.5)', transform: randomHorizontalFlip(0.5), random: true },
  { name: 'randomVerticalFlip(0.5)', transform: randomVerticalFlip(0.5), random: true },
  { name: 'randomRotation(30)', transform: randomRotation(30), random: true },
  { name: 'randomRotation bilinear fill 0.3', transform: randomRotation([-45, 45], { interpolation: 'bilinear', fill: 0.3 }), random: true },
  { name: 'randomGrayscale(0.5)', transform: randomGrayscale(0.5), random: true },
  { name: 'colorJitter(SimCLR)', transform: colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }), random: true },
  { name: 'colorJitter(p 0.5, CJ ranges)', transform: colorJitter({ brightness: [0.4, 0.8], contrast: [0.4, 0.8], saturation: [0.4, 0.8], hue: [0.1, 0.2], p: 0.5 }), random: true },
  { name: 'randomGaussianBlur()', transform: randomGaussianBlur(), random: true },
  { name: 'cutout()', transform: cutout(), random: true },
  { name: 'randomGaussianNoise()', transform: randomGaussianNoise(), random: true },
  { name: 'randomCrop({ padding: 4 })', transform: randomCrop({ padding: 4 }), random: true },
  { name: 'compose([hflip, crop])', transform: compose([randomHorizontalFlip(), randomCrop({ padding: 2 })]), random: true },
  { name: 'randomApply(colorJitter, 0.5)', transform: randomApply(colorJitter({ brightness: 0.8, hue: 0.3 }), 0.5), random: true },
  { name: 'yoco(randomResizedCrop)', transform: yoco(randomResizedCrop({ scale: [0.3, 0.6] })), random: true },
  { name: 'yoco(randomVerticalFlip, vertical)', transform: yoco(randomVerticalFlip(), { cut: 'vertical' }), random: true },
  { name: 'paperStrongAugment', transform: paperStrongAugment, random: true },
  { name: 'standardTrainAugment', transform: standardTrainAugment, random: true },
  { name: 'simclrAugment()', transform: simclrAugment(), random: true },
  { name: 'simclrAugment(8)', transform: simclrAugment(8), random: true },
  { name: 'noAugmentation', transform: noAugmentation, random: false },
  ...['NoAug', 'HFlip', 'VFlip', 'GrSc', 'GBlur_3_1'].map((n) => ({ name: `parse ${n}`, transform: parseAugmentation(n), random: false })),
  ...['GNoise', 'GNoise_0.2', 'RCS0.5', 'Rot', 'CJ', 'CutOut', 'YOCO(HFlip)', 'YOCO(CJ)', 'RCS0.5+VFlip', 'YOCO_H(RCS0.5+HFlip)'].map((n) => ({
    name: `parse ${n}`,
    transform: parseAugmentation(n),
    random: true,
  })),
];

/** A seeded RGB batch in [0, 1), `[n, h, w, 3]`, as a host array (so it can be uploaded to any backend). */
export function seededImages(n: number, h = 12, w = 10, c = 3, seed = 7): { values: Float32Array; shape: [number, number, number, number] } {
  const rng = createRng(seed);
  const values = Float32Array.from({ length: n * h * w * c }, () => rng.next());
  return { values, shape: [n, h, w, c] };
}

/** Uploads {@link seededImages} to the current backend. */
export function seededBatch(n: number, h = 12, w = 10, c = 3, seed = 7): Tensor4D {
  const { values, shape } = seededImages(n, h, w, c, seed);
  return tf.tensor4d(values, shape);
}
