import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, type Transform } from '@bdst/core';
import { describeBackends } from '@bdst/test-utils';
import {
  augmentationNames,
  colorJitter,
  compose,
  cutout,
  DEFAULT_ROTATION_DEGREES,
  gaussianBlur,
  gnoiseVariants,
  hflip,
  PAPER_COLOR_JITTER,
  PAPER_GNOISE_VARIANCES,
  parseAugmentation,
  randomGaussianNoise,
  randomResizedCrop,
  randomRotation,
  rgbToGrayscale,
  vflip,
  yoco,
  yocoVariants,
} from '@bdst/augment';
import { bitsOf } from './batch-consistency.js';
import { seededBatch } from './transform-catalog.js';

const hflipAll: Transform = (x) => hflip(x);
const vflipAll: Transform = (x) => vflip(x);

/** `[paper name, the transform it must equal]`: same seed → the same bits. */
const equivalents: [string, Transform][] = [
  ['NoAug', (x) => tf.clone(x)],
  ['No Aug', (x) => tf.clone(x)],
  ['HFlip', hflipAll],
  ['VFlip', vflipAll],
  ['GrSc', (x) => rgbToGrayscale(x)],
  ['CJ', colorJitter({ brightness: [0.4, 0.8], contrast: [0.4, 0.8], saturation: [0.4, 0.8], hue: [0.1, 0.2] })],
  ['GBlur_3_1', (x) => gaussianBlur(x, 3, 1)],
  ['GBlur_5_0.5', (x) => gaussianBlur(x, 5, 0.5)],
  ['CutOut', cutout({ scale: 0.5 })],
  ['Rot', randomRotation(30)],
  ['Rot_2', randomRotation(2)],
  ['GNoise', randomGaussianNoise({ variance: [0.2, 0.5, 0.7, 1.0] })],
  ['GNoise_0.2', randomGaussianNoise({ variance: 0.2 })],
  ['GNoise_0.5', randomGaussianNoise({ variance: 0.5 })],
  ['GNoise_0.7', randomGaussianNoise({ variance: 0.7 })],
  ['GNoise_1', randomGaussianNoise({ variance: 1 })],
  ['GNoise_1.0', randomGaussianNoise({ variance: 1 })],
  ['RCS0.5', randomResizedCrop({ scale: [0.5, 0.5], ratio: [3 / 4, 4 / 3] })],
  ['RCS0.25', randomResizedCrop({ scale: [0.25, 0.25] })],
  ['RCS1', randomResizedCrop({ scale: [1, 1] })],
  ['RCS0.5+VFlip', compose([randomResizedCrop({ scale: [0.5, 0.5] }), vflipAll])],
  ['RCS0.5 + HFlip', compose([randomResizedCrop({ scale: [0.5, 0.5] }), hflipAll])],
  ['HFlip+VFlip+GrSc', compose([hflipAll, vflipAll, (x) => rgbToGrayscale(x)])],
  ['YOCO(HFlip)', yoco(hflipAll)],
  ['YOCO_H(VFlip)', yoco(vflipAll, { cut: 'horizontal' })],
  ['YOCO_V(VFlip)', yoco(vflipAll, { cut: 'vertical' })],
  ['YOCO(RCS0.5+VFlip)', yoco(compose([randomResizedCrop({ scale: [0.5, 0.5] }), vflipAll]))],
  ['YOCO(CJ)+HFlip', compose([yoco(colorJitter(PAPER_COLOR_JITTER)), hflipAll])],
];

describeBackends('parseAugmentation', () => {
  for (const [name, reference] of equivalents) {
    it(`${name} is the transform the paper's name describes`, async () => {
      const x = seededBatch(4);
      const got = parseAugmentation(name)(x, createRng(17));
      const want = reference(x, createRng(17));
      expect(got.shape).toEqual(x.shape);
      expect(await bitsOf(got)).toEqual(await bitsOf(want));
      tf.dispose([x, got, want]);
    });
  }
});

describe('parseAugmentation: names and errors', () => {
  it('parses every name of the Figure 1 list and the GNoise / YOCO variants', () => {
    for (const name of [...augmentationNames, ...gnoiseVariants(), ...yocoVariants('RCS0.5+VFlip')]) {
      expect(typeof parseAugmentation(name)).toBe('function');
    }
    expect(gnoiseVariants()).toEqual(['GNoise_0.2', 'GNoise_0.5', 'GNoise_0.7', 'GNoise_1']);
    expect(PAPER_GNOISE_VARIANCES).toEqual([0.2, 0.5, 0.7, 1.0]);
    expect(yocoVariants('HFlip')).toEqual(['YOCO_H(HFlip)', 'YOCO_V(HFlip)']);
    expect(PAPER_COLOR_JITTER).toEqual({ brightness: [0.4, 0.8], contrast: [0.4, 0.8], saturation: [0.4, 0.8], hue: [0.1, 0.2] });
    expect(DEFAULT_ROTATION_DEGREES).toBe(30);
  });

  it('an unknown name gets an error that lists the valid names', () => {
    const message = (() => {
      try {
        parseAugmentation('Mixup');
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/^Error in parseAugmentation: unknown augmentation "Mixup"; valid names: /);
    for (const part of ['NoAug', 'HFlip', 'VFlip', 'GrSc', 'CJ', 'CutOut', 'Rot', 'GNoise_<variance>', 'RCS<fraction in (0, 1]>', 'GBlur_<odd kernel>_<sigma>', 'YOCO(<name>)', '<name>+<name>', 'RCS0.5+VFlip']) {
      expect(message).toContain(part);
    }
  });

  it('rejects malformed names with the reason', () => {
    expect(() => parseAugmentation('RCS1.5')).toThrow(/unknown augmentation "RCS1.5" \(RCS fraction must be in \(0, 1\], got 1.5\)/);
    expect(() => parseAugmentation('RCS0')).toThrow(/RCS fraction must be in \(0, 1\], got 0/);
    expect(() => parseAugmentation('GBlur_4_1')).toThrow(/GBlur kernel size must be odd and ≥ 1, got 4/);
    expect(() => parseAugmentation('GBlur_0_1')).toThrow(/GBlur kernel size must be odd and ≥ 1, got 0/);
    expect(() => parseAugmentation('GBlur_3_0')).toThrow(/GBlur sigma must be > 0, got 0/);
    expect(() => parseAugmentation('GBlur_3')).toThrow(/unknown augmentation "GBlur_3"/);
    expect(() => parseAugmentation('RCS0.5+')).toThrow(/unknown augmentation "RCS0.5\+" \(empty term\)/);
    expect(() => parseAugmentation('YOCO(HFlip')).toThrow(/\(unbalanced parentheses\)/);
    expect(() => parseAugmentation('YOCO(Foo)')).toThrow(/unknown augmentation "Foo"/);
    expect(() => parseAugmentation('hflip')).toThrow(/unknown augmentation "hflip"/);
    expect(() => parseAugmentation(42 as unknown as string)).toThrow(/unknown augmentation "42"/);
  });
});
