import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng, type Transform } from '@bdst/core';
import { describeBackends } from '@bdst/test-utils';
import {
  colorJitter,
  compose,
  paperStrongAugment,
  parseAugmentation,
  randomApply,
  randomCrop,
  randomGrayscale,
  randomHorizontalFlip,
  randomResizedCrop,
  randomRotation,
  sampleResizedCropBoxes,
  simclrAugment,
  standardTrainAugment,
  vflip,
} from '@bdst/augment';
import { bitsOf } from './batch-consistency.js';
import { seededBatch } from './transform-catalog.js';

const vflipAll: Transform = (x) => vflip(x);

describeBackends('presets', () => {
  const cases: [string, Transform, Transform][] = [
    ['paperStrongAugment = RCS0.5+VFlip', paperStrongAugment, compose([randomResizedCrop({ scale: [0.5, 0.5], ratio: [3 / 4, 4 / 3] }), vflipAll])],
    ["paperStrongAugment = parseAugmentation('RCS0.5+VFlip')", paperStrongAugment, parseAugmentation('RCS0.5+VFlip')],
    ['standardTrainAugment = pad-4 crop, flip, 2° rotation (Section 5.1)', standardTrainAugment, compose([randomCrop({ padding: 4 }), randomHorizontalFlip(0.5), randomRotation(2)])],
    [
      'simclrAugment(8) = crop 0.08–1 to 8 px, flip, jitter 0.4/0.4/0.4/0.1 with p 0.8, grayscale p 0.2',
      simclrAugment(8),
      compose([
        randomResizedCrop({ size: 8, scale: [0.08, 1] }),
        randomHorizontalFlip(0.5),
        randomApply(colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }), 0.8),
        randomGrayscale(0.2),
      ]),
    ],
  ];
  for (const [name, preset, reference] of cases) {
    it(name, async () => {
      const x = seededBatch(6);
      const got = preset(x, createRng(99));
      const want = reference(x, createRng(99));
      expect(await bitsOf(got)).toEqual(await bitsOf(want));
      tf.dispose([x, got, want]);
    });
  }

  it('paperStrongAugment keeps the size, flips vertically and keeps half the area', async () => {
    const x = seededBatch(3, 32, 32);
    const y = paperStrongAugment(x, createRng(5));
    expect(y.shape).toEqual([3, 32, 32, 3]);
    for (const [, , h, w] of sampleResizedCropBoxes(3, 32, 32, { scale: [0.5, 0.5] }, createRng(5))) {
      expect(Math.abs((h * w) / 1024 - 0.5)).toBeLessThan(0.06);
    }
    tf.dispose([x, y]);
  });

  it('simclrAugment resizes to size (default: the input size); bad sizes are rejected', () => {
    const x = seededBatch(2, 12, 10);
    const a = simclrAugment()(x, createRng(1));
    const b = simclrAugment([6, 5])(x, createRng(1));
    expect(a.shape).toEqual([2, 12, 10, 3]);
    expect(b.shape).toEqual([2, 6, 5, 3]);
    expect(() => simclrAugment(0)).toThrow(/Error in simclrAugment: size must be a positive integer or \[height, width\] of positive integers, but got 0/);
    tf.dispose([x, a, b]);
  });
});
