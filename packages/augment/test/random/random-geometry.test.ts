import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng } from '@bdst/core';
import { describeBackends } from '@bdst/test-utils';
import { padCrop, randomCrop, randomRotation, rotate, sampleCropOffsets, sampleRotationAngles } from '@bdst/augment';
import { bitsOf, expectBatchedEqualsUnbatched } from '../batch-consistency.js';
import { seededBatch } from '../transform-catalog.js';

it('sampleRotationAngles: 1,000 angles are uniform in [−d, d] (or [lo, hi])', () => {
  const a = Array.from(sampleRotationAngles(1000, 30, createRng('rot')));
  expect(Math.min(...a)).toBeGreaterThanOrEqual(-30);
  expect(Math.max(...a)).toBeLessThan(30);
  expect(Math.min(...a)).toBeLessThan(-28);
  expect(Math.max(...a)).toBeGreaterThan(28);
  const mean = a.reduce((s, v) => s + v, 0) / 1000;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / 1000);
  expect(Math.abs(mean)).toBeLessThan(2.5);
  expect(Math.abs(sd - 60 / Math.sqrt(12))).toBeLessThan(1.5);
  const b = Array.from(sampleRotationAngles(1000, [10, 20], createRng('rot2')));
  expect(Math.min(...b) >= 10 && Math.max(...b) < 20).toBe(true);
  expect(() => randomRotation(-2)).toThrow(/Error in randomRotation: degrees must be a number ≥ 0 or \[lo, hi\], but got -2/);
  expect(() => randomRotation([5, 1])).toThrow(/Error in randomRotation: degrees must be \[lo, hi\] with lo ≤ hi/);
});

it('sampleCropOffsets: 1,000 offsets are uniform over 0 … 2·padding', () => {
  const offsets = sampleCropOffsets(1000, 4, createRng('crop'));
  const counts = new Array(9).fill(0);
  for (const [top, left] of offsets) {
    counts[top]++;
    counts[left]++;
  }
  expect(counts.reduce((a, b) => a + b, 0)).toBe(2000);
  for (const c of counts) expect(Math.abs(c / 2000 - 1 / 9)).toBeLessThan(0.03);
  expect(() => randomCrop({ padding: 1.5 })).toThrow(/Error in randomCrop: padding must be an integer ≥ 0, but got 1.5/);
});

describeBackends('randomRotation / randomCrop', () => {
  it('randomRotation equals rotate with the sampled angles, batched and image by image', async () => {
    const x = seededBatch(5);
    const y = randomRotation(40, { interpolation: 'bilinear' })(x, createRng(4));
    const angles = sampleRotationAngles(5, 40, createRng(4));
    const want = rotate(x, angles, { interpolation: 'bilinear' });
    expect(await bitsOf(y)).toEqual(await bitsOf(want));
    await expectBatchedEqualsUnbatched(x, (t, picks) => rotate(t, picks.map((i) => angles[i])));
    tf.dispose([x, y, want]);
  });

  it('randomRotation(0) returns the input unchanged', async () => {
    const x = seededBatch(3);
    const y = randomRotation(0)(x, createRng(4));
    expect(await bitsOf(y)).toEqual(await bitsOf(x));
    tf.dispose([x, y]);
  });

  it('randomCrop equals padCrop with the sampled offsets; padding 0 is the identity', async () => {
    const x = seededBatch(5);
    const y = randomCrop({ padding: 3 })(x, createRng(8));
    const offsets = sampleCropOffsets(5, 3, createRng(8));
    const want = padCrop(x, 3, offsets);
    expect(await bitsOf(y)).toEqual(await bitsOf(want));
    const same = randomCrop({ padding: 0 })(x, createRng(8));
    expect(await bitsOf(same)).toEqual(await bitsOf(x));
    tf.dispose([x, y, want, same]);
  });
});
