import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng } from '@bdst/core';
import { describeBackends } from '@bdst/test-utils';
import { randomResizedCrop, resizedCrop, sampleResizedCropBoxes } from '@bdst/augment';
import { bitsOf, expectBatchedEqualsUnbatched } from '../batch-consistency.js';
import { seededBatch } from '../transform-catalog.js';

function stats(values: number[]): { min: number; max: number; mean: number } {
  return { min: Math.min(...values), max: Math.max(...values), mean: values.reduce((a, b) => a + b, 0) / values.length };
}

it('sampleResizedCropBoxes: 1,000 SimCLR boxes cover the area range [0.08, 1] with aspect ratios in [3/4, 4/3], inside the image', () => {
  const boxes = sampleResizedCropBoxes(1000, 32, 32, { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] }, createRng('rrc'));
  const areas = boxes.map(([, , h, w]) => (h * w) / 1024);
  const aspects = boxes.map(([, , h, w]) => w / h);
  for (const [top, left, h, w] of boxes) {
    expect(top >= 0 && left >= 0 && top + h <= 32 && left + w <= 32 && h >= 1 && w >= 1).toBe(true);
  }
  const a = stats(areas);
  // Rounding w and h to whole pixels moves the area a little outside [0.08, 1] at most.
  expect(a.min).toBeGreaterThanOrEqual(0.06);
  expect(a.min).toBeLessThan(0.12);
  expect(a.max).toBeLessThanOrEqual(1);
  expect(a.max).toBeGreaterThan(0.9);
  const r = stats(aspects);
  expect(r.min).toBeGreaterThanOrEqual(0.75 * 0.85);
  expect(r.max).toBeLessThanOrEqual((4 / 3) * 1.15);
  expect(r.min).toBeLessThan(0.8);
  expect(r.max).toBeGreaterThan(1.25);
  // log-uniform aspect: about as many wide as tall crops.
  const wide = aspects.filter((v) => v > 1).length;
  const tall = aspects.filter((v) => v < 1).length;
  expect(Math.abs(wide - tall)).toBeLessThan(120);
});

it("sampleResizedCropBoxes: RCS0.5 (scale [0.5, 0.5]) keeps half the area and places crops uniformly", () => {
  const boxes = sampleResizedCropBoxes(1000, 32, 32, { scale: [0.5, 0.5] }, createRng('rcs'));
  const areas = boxes.map(([, , h, w]) => (h * w) / 1024);
  for (const a of areas) expect(Math.abs(a - 0.5)).toBeLessThan(0.06);
  expect(Math.abs(stats(areas).mean - 0.5)).toBeLessThan(0.01);
  const relTop = boxes.map(([top, , h]) => top / (32 - h));
  const relLeft = boxes.map(([, left, , w]) => left / (32 - w));
  for (const v of [relTop, relLeft]) {
    const s = stats(v);
    expect(s.min).toBe(0);
    expect(s.max).toBe(1);
    expect(Math.abs(s.mean - 0.5)).toBeLessThan(0.05);
  }
});

it("sampleResizedCropBoxes: torchvision's fallback after 10 failed tries is the central crop clamped to the ratio range", () => {
  // Ratios in [4, 5] never fit a square image with area ≥ 90%: every try fails.
  const rng = createRng('fallback');
  const boxes = sampleResizedCropBoxes(2, 32, 32, { scale: [0.9, 1], ratio: [4, 5] }, rng);
  expect(boxes).toEqual([
    [12, 0, 8, 32], // w = 32, h = round(32 / 4) = 8, centred
    [12, 0, 8, 32],
  ]);
  // Exactly 10 tries × 2 draws per image, and no placement draws.
  const reference = createRng('fallback');
  for (let i = 0; i < 40; i++) reference.next();
  expect(rng.next()).toBe(reference.next());
  // A wide image and tall ratios: h = H, w = round(H · max ratio) with Python's ties to even
  // (round(2.5) = 2), left = (40 − 2) // 2.
  expect(sampleResizedCropBoxes(1, 10, 40, { scale: [0.95, 1], ratio: [0.2, 0.25] }, createRng(1))).toEqual([[0, 19, 10, 2]]);
  expect(sampleResizedCropBoxes(1, 4, 4, { scale: [1, 1], ratio: [0.2, 0.3] }, createRng(1))).toEqual([[0, 1, 4, 1]]);
});

it('sampleResizedCropBoxes / randomResizedCrop reject bad ranges', () => {
  expect(() => sampleResizedCropBoxes(1, 8, 8, { scale: [0, 0.5] }, createRng(1))).toThrow(/Error in sampleResizedCropBoxes: scale must be \[lo, hi\] with lo ≤ hi, in \(0, 1\], but got \[0,0.5\]/);
  expect(() => randomResizedCrop({ scale: [0.6, 0.5] })).toThrow(/Error in randomResizedCrop: scale must be \[lo, hi\] with lo ≤ hi/);
  expect(() => randomResizedCrop({ ratio: [-1, 2] })).toThrow(/ratio must be \[lo, hi\] with lo ≤ hi, positive, but got \[-1,2\]/);
  expect(() => randomResizedCrop({ size: 0 })).toThrow(/Error in randomResizedCrop: size must be a positive integer/);
  expect(() => randomResizedCrop({ interpolation: 'area' as 'nearest' })).toThrow(/interpolation must be 'bilinear' or 'nearest', but got area/);
});

describeBackends('randomResizedCrop', () => {
  it('equals resizedCrop with the sampled boxes, batched and one image at a time', async () => {
    const x = seededBatch(6);
    const y = randomResizedCrop({ scale: [0.2, 0.7], size: [9, 7] })(x, createRng(5));
    const boxes = sampleResizedCropBoxes(6, 12, 10, { scale: [0.2, 0.7] }, createRng(5));
    const want = resizedCrop(x, boxes, [9, 7]);
    expect(await bitsOf(y)).toEqual(await bitsOf(want));
    await expectBatchedEqualsUnbatched(x, (t, picks) => resizedCrop(t, picks.map((i) => boxes[i]), [9, 7]));
    tf.dispose([x, y, want]);
  });

  it('resizes back to the input size by default', () => {
    const x = seededBatch(2, 12, 10);
    const y = randomResizedCrop()(x, createRng(1)) as Tensor4D;
    expect(y.shape).toEqual([2, 12, 10, 3]);
    tf.dispose([x, y]);
  });
});
