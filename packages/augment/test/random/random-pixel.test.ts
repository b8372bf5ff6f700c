import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng } from '@bdst/core';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import {
  cutout,
  erase,
  gaussianBlur,
  gaussianNoise,
  PAPER_GNOISE_VARIANCES,
  randomGaussianBlur,
  randomGaussianNoise,
  randomGrayscale,
  rgbToGrayscale,
  sampleBernoulliMask,
  sampleBlurSigmas,
  sampleCutoutBoxes,
  sampleNoiseStds,
} from '@bdst/augment';
import { bitsOf } from '../batch-consistency.js';
import { seededBatch } from '../transform-catalog.js';

it('sampleBlurSigmas: 1,000 sigmas are uniform in [lo, hi]', () => {
  const s = Array.from(sampleBlurSigmas(1000, [0.1, 2], createRng('blur')));
  expect(Math.min(...s) >= 0.1 && Math.max(...s) < 2).toBe(true);
  expect(Math.min(...s)).toBeLessThan(0.15);
  expect(Math.max(...s)).toBeGreaterThan(1.95);
  expect(Math.abs(s.reduce((a, b) => a + b, 0) / 1000 - 1.05)).toBeLessThan(0.06);
  expect(() => randomGaussianBlur({ kernelSize: 4 })).toThrow(/Error in randomGaussianBlur: kernelSize must be odd integers ≥ 1, but got 4/);
  expect(() => randomGaussianBlur({ kernelSize: 0 })).toThrow(/kernelSize must be odd integers ≥ 1, but got 0/);
  expect(() => randomGaussianBlur({ sigma: 0 })).toThrow(/Error in randomGaussianBlur: sigma must be > 0, but got 0/);
  expect(() => randomGaussianBlur({ sigma: [0, 1] })).toThrow(/sigma must be \[lo, hi\] with lo ≤ hi, each > 0, but got \[0,1\]/);
});

it('sampleCutoutBoxes: 1,000 holes have uniform centres and are clipped to the image', () => {
  const boxes = sampleCutoutBoxes(1000, 32, 32, 16, createRng('cutout'));
  let full = 0;
  let topSum = 0;
  for (const [top, left, h, w] of boxes) {
    expect(top >= 0 && left >= 0 && top + h <= 32 && left + w <= 32).toBe(true);
    expect(h >= 8 && h <= 16 && w >= 8 && w <= 16).toBe(true);
    if (h === 16 && w === 16) full++;
    topSum += top + h / 2;
  }
  // A full 16×16 hole needs the centre in [8, 24] on both axes: (17/32)².
  expect(Math.abs(full / 1000 - (17 / 32) ** 2)).toBeLessThan(0.06);
  expect(Math.abs(topSum / 1000 - 16)).toBeLessThan(1);
  expect(() => cutout({ size: 0 })).toThrow(/Error in cutout: size must be an integer ≥ 1, but got 0/);
  expect(() => cutout({ scale: 1.5 })).toThrow(/Error in cutout: scale must be in \(0, 1\], but got 1.5/);
  expect(() => cutout({ size: 4, scale: 0.5 })).toThrow(/Error in cutout: give either size or scale, not both/);
});

it('sampleNoiseStds: one of the paper variances per image, about a quarter each; a single variance draws nothing', () => {
  const stds = sampleNoiseStds(1000, PAPER_GNOISE_VARIANCES, createRng('noise'));
  for (const v of PAPER_GNOISE_VARIANCES) {
    const share = stds.filter((s) => s === Math.sqrt(v)).length / 1000;
    expect(Math.abs(share - 0.25)).toBeLessThan(0.06);
  }
  const rng = createRng(3);
  expect(Array.from(sampleNoiseStds(2, 0.5, rng))).toEqual([Math.sqrt(0.5), Math.sqrt(0.5)]);
  expect(rng.next()).toBe(createRng(3).next());
  expect(() => randomGaussianNoise({ variance: -1 })).toThrow(/Error in randomGaussianNoise: variance must be a number ≥ 0 or a non-empty list of them, but got -1/);
  expect(() => randomGaussianNoise({ variance: [] })).toThrow(/variance must be a number ≥ 0 or a non-empty list/);
});

describeBackends('random pixel transforms', () => {
  it('randomGrayscale: 1,000 images are grayed at rate p; p = 0 is the identity; equals the kernel on the chosen images', async () => {
    const x = tf.tile(tf.tensor4d([0.9, 0.2, 0.1], [1, 1, 1, 3]), [1000, 1, 1, 1]) as Tensor4D;
    const y = randomGrayscale(0.2)(x, createRng('gray'));
    const v = await y.data();
    let gray = 0;
    for (let i = 0; i < 1000; i++) if (v[3 * i] === v[3 * i + 1]) gray++;
    expect(Math.abs(gray / 1000 - 0.2)).toBeLessThan(0.05);
    const none = randomGrayscale(0)(x, createRng(1));
    expect(await bitsOf(none)).toEqual(await bitsOf(x));
    const small = seededBatch(6);
    const flags = sampleBernoulliMask(6, 0.5, createRng(2));
    const got = randomGrayscale(0.5)(small, createRng(2));
    const parts = Array.from({ length: 6 }, (_, i) => {
      const one = tf.slice(small, [i, 0, 0, 0], [1, -1, -1, -1]) as Tensor4D;
      return flags[i] ? rgbToGrayscale(one) : one;
    });
    const want = tf.concat(parts, 0);
    expect(await bitsOf(got)).toEqual(await bitsOf(want));
    tf.dispose([x, y, none, small, got, want, ...parts]);
  });

  it('randomGaussianBlur equals gaussianBlur with the sampled sigmas', async () => {
    const x = seededBatch(4);
    const y = randomGaussianBlur({ kernelSize: 5, sigma: [0.5, 1.5] })(x, createRng(6));
    const want = gaussianBlur(x, 5, sampleBlurSigmas(4, [0.5, 1.5], createRng(6)));
    expect(await bitsOf(y)).toEqual(await bitsOf(want));
    tf.dispose([x, y, want]);
  });

  it('cutout equals erase with the sampled holes (half the shorter side by default)', async () => {
    const x = seededBatch(4, 12, 10);
    const y = cutout()(x, createRng(6));
    const want = erase(x, sampleCutoutBoxes(4, 12, 10, 5, createRng(6)));
    expect(await bitsOf(y)).toEqual(await bitsOf(want));
    tf.dispose([x, y, want]);
  });

  it('gaussianNoise: zero-mean noise of the given std per sample, clamped to [0, 1]; std 0 is the identity', async () => {
    const x = tf.fill([2, 40, 40, 3], 0.5) as Tensor4D;
    const y = await expectNoLeak(() => gaussianNoise(x, [0.05, 0.1], createRng('gn')));
    const v = await y.data();
    const per = 40 * 40 * 3;
    for (const [s, std] of [[0, 0.05], [1, 0.1]] as const) {
      let sum = 0;
      let sq = 0;
      for (let i = s * per; i < (s + 1) * per; i++) {
        sum += v[i] - 0.5;
        sq += (v[i] - 0.5) ** 2;
      }
      const mean = sum / per;
      expect(Math.abs(mean)).toBeLessThan(0.15 * std);
      expect(Math.abs(Math.sqrt(sq / per - mean * mean) / std - 1)).toBeLessThan(0.08);
    }
    const big = gaussianNoise(x, 1, createRng('gn'));
    const b = await big.data();
    expect(b.every((a) => a >= 0 && a <= 1)).toBe(true);
    expect(b.some((a) => a === 0) && b.some((a) => a === 1)).toBe(true);
    const same = gaussianNoise(x, 0, createRng(1));
    expect(await bitsOf(same)).toEqual(await bitsOf(x));
    expect(() => gaussianNoise(x, -0.1, createRng(1))).toThrow(/Error in gaussianNoise: std must be a number ≥ 0, but got -0.1/);
    expect(() => gaussianNoise(x, [0.1], createRng(1))).toThrow(/std must have one value per sample \(2\), but got 1/);
    tf.dispose([x, y, big, same]);
  });

  it('randomGaussianNoise uses the variance: GNoise of variance 0.2 has std √0.2', async () => {
    const x = tf.fill([1, 60, 60, 1], 0.5) as Tensor4D;
    const y = randomGaussianNoise({ variance: 0.01 })(x, createRng('var'));
    const v = Array.from(await y.data());
    const sd = Math.sqrt(v.reduce((s, a) => s + (a - 0.5) ** 2, 0) / v.length);
    expect(Math.abs(sd - 0.1)).toBeLessThan(0.008);
    tf.dispose([x, y]);
  });
});
