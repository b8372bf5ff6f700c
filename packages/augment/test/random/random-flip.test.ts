import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng } from '@bdst/core';
import { describeBackends } from '@bdst/test-utils';
import { hflip, randomHorizontalFlip, randomVerticalFlip, sampleBernoulliMask, vflip } from '@bdst/augment';
import { bitsOf } from '../batch-consistency.js';
import { seededBatch } from '../transform-catalog.js';

it('sampleBernoulliMask: 1,000 draws have rate p; p = 0 and p = 1 are exact; bad arguments are rejected', () => {
  for (const p of [0.2, 0.5, 0.8]) {
    const mask = sampleBernoulliMask(1000, p, createRng(`mask-${p}`));
    const rate = mask.reduce((a, b) => a + b, 0) / 1000;
    expect(Math.abs(rate - p)).toBeLessThan(0.06); // > 4 binomial standard deviations
  }
  expect(sampleBernoulliMask(1000, 0, createRng(1)).every((v) => v === 0)).toBe(true);
  expect(sampleBernoulliMask(1000, 1, createRng(1)).every((v) => v === 1)).toBe(true);
  expect(() => sampleBernoulliMask(3, 1.5, createRng(1))).toThrow(/Error in sampleBernoulliMask: p must be a probability in \[0, 1\], but got 1.5/);
  expect(() => sampleBernoulliMask(-1, 0.5, createRng(1))).toThrow(/n must be an integer ≥ 0, but got -1/);
});

describeBackends('randomHorizontalFlip / randomVerticalFlip', () => {
  const cases = [
    ['randomHorizontalFlip', randomHorizontalFlip, hflip],
    ['randomVerticalFlip', randomVerticalFlip, vflip],
  ] as const;
  for (const [name, make, flip] of cases) {
    it(`${name}: 1,000 images are flipped at rate p, each image either flipped or untouched`, async () => {
      // 1,000 one-row images [0, 1] (or one-column, for the vertical flip): flipped ones read [1, 0].
      const shape: [number, number, number, number] = name === 'randomHorizontalFlip' ? [1000, 1, 2, 1] : [1000, 2, 1, 1];
      const x = tf.tensor4d(Float32Array.from({ length: 2000 }, (_, i) => i % 2), shape);
      const y = make(0.3)(x, createRng('flip-rate'));
      const v = await y.data();
      let flipped = 0;
      for (let i = 0; i < 1000; i++) {
        expect([v[2 * i], v[2 * i + 1]].join()).toMatch(/^(0,1|1,0)$/);
        if (v[2 * i] === 1) flipped++;
      }
      expect(Math.abs(flipped / 1000 - 0.3)).toBeLessThan(0.06);
      tf.dispose([x, y]);
    });

    it(`${name}: batched equals flipping the chosen images one by one (flags from sampleBernoulliMask)`, async () => {
      const x = seededBatch(8);
      const y = make(0.5)(x, createRng(11));
      const flags = sampleBernoulliMask(8, 0.5, createRng(11));
      expect(flags.some((f) => f === 1) && flags.some((f) => f === 0)).toBe(true);
      const parts = Array.from({ length: 8 }, (_, i) => {
        const one = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]) as Tensor4D;
        return flags[i] ? flip(one) : one;
      });
      const want = tf.concat(parts, 0);
      expect(await bitsOf(y)).toEqual(await bitsOf(want));
      tf.dispose([x, y, want, ...parts]);
    });

    it(`${name}: p = 0 returns the input unchanged (a copy), p = 1 flips every image`, async () => {
      const x = seededBatch(4);
      const none = make(0)(x, createRng(3));
      expect(none).not.toBe(x);
      expect(await bitsOf(none)).toEqual(await bitsOf(x));
      const all = make(1)(x, createRng(3));
      const want = flip(x);
      expect(await bitsOf(all)).toEqual(await bitsOf(want));
      tf.dispose([x, none, all, want]);
    });

    it(`${name}: rejects p outside [0, 1]`, () => {
      expect(() => make(-0.1)).toThrow(new RegExp(`Error in ${name}: p must be a probability in \\[0, 1\\], but got -0.1`));
      expect(() => make(2)).toThrow(/but got 2/);
    });
  }
});
