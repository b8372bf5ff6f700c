import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng, type Transform } from '@bdst/core';
import { describeBackends } from '@bdst/test-utils';
import { compose, hflip, randomApply, randomCrop, randomHorizontalFlip, randomResizedCrop, sampleBernoulliMask, vflip, yoco } from '@bdst/augment';
import { bitsOf } from './batch-consistency.js';
import { seededBatch } from './transform-catalog.js';

const hflipAll: Transform = (x) => hflip(x);
const vflipAll: Transform = (x) => vflip(x);

describeBackends('compose / randomApply / yoco', () => {
  it('compose chains left to right on one stream; an empty list is the identity', async () => {
    const x = seededBatch(4);
    const t = compose([randomCrop({ padding: 2 }), randomHorizontalFlip()]);
    const y = t(x, createRng(1));
    const rng = createRng(1);
    const a = randomCrop({ padding: 2 })(x, rng);
    const want = randomHorizontalFlip()(a, rng);
    expect(await bitsOf(y)).toEqual(await bitsOf(want));
    const id = compose([])(x, createRng(1));
    expect(await bitsOf(id)).toEqual(await bitsOf(x));
    expect(() => compose([hflipAll, 3 as unknown as Transform])).toThrow(/Error in compose: transforms\[1\] must be a Transform \(x, rng\) => Tensor4D, but got 3/);
    tf.dispose([x, y, a, want, id]);
  });

  it('randomApply applies to 1,000 images at rate p; p = 0 returns the input unchanged; p = 1 is t', async () => {
    const x = tf.tensor4d(Float32Array.from({ length: 2000 }, (_, i) => i % 2), [1000, 1, 2, 1]);
    const y = randomApply(hflipAll, 0.8)(x, createRng('apply'));
    const v = await y.data();
    let applied = 0;
    for (let i = 0; i < 1000; i++) if (v[2 * i] === 1) applied++;
    expect(Math.abs(applied / 1000 - 0.8)).toBeLessThan(0.05);
    const none = randomApply(hflipAll, 0)(x, createRng(1));
    expect(await bitsOf(none)).toEqual(await bitsOf(x));
    const all = randomApply(hflipAll, 1)(x, createRng(1));
    const want = hflip(x);
    expect(await bitsOf(all)).toEqual(await bitsOf(want));
    expect(() => randomApply(hflipAll, 1.2)).toThrow(/Error in randomApply: p must be a probability in \[0, 1\], but got 1.2/);
    expect(() => randomApply(null as unknown as Transform)).toThrow(/Error in randomApply: t must be a Transform/);
    tf.dispose([x, y, none, all, want]);
  });

  it('randomApply rejects a transform that changes the image shape of a partial batch', () => {
    const x = seededBatch(6);
    const t = randomApply(randomResizedCrop({ size: 4 }), 0.5);
    expect(() => t(x, createRng(1))).toThrow(/Error in randomApply: a transform applied to part of the batch must keep the image shape \[12, 10, 3\], but it returned \[4, 4, 3\]/);
    x.dispose();
  });

  it('yoco cuts in two halves, transforms each independently and stitches them back', async () => {
    const x = seededBatch(4, 12, 10);
    // Horizontal cut (top / bottom halves): flipping each half left-right is a full left-right flip;
    // flipping each half top-bottom is not a full top-bottom flip.
    const h1 = yoco(hflipAll, { cut: 'horizontal' })(x, createRng(1));
    const full = hflip(x);
    expect(await bitsOf(h1)).toEqual(await bitsOf(full));
    const h2 = yoco(vflipAll, { cut: 'horizontal' })(x, createRng(1));
    const [top, bottom] = tf.split(x, 2, 1) as Tensor4D[];
    const want = tf.concat([vflip(top), vflip(bottom)], 1);
    expect(await bitsOf(h2)).toEqual(await bitsOf(want));
    // Vertical cut (left / right halves) with a left-right flip.
    const v1 = yoco(hflipAll, { cut: 'vertical' })(x, createRng(1));
    const [left, right] = tf.split(x, 2, 2) as Tensor4D[];
    const wantV = tf.concat([hflip(left), hflip(right)], 2);
    expect(await bitsOf(v1)).toEqual(await bitsOf(wantV));
    tf.dispose([x, h1, full, h2, top, bottom, want, v1, left, right, wantV]);
  });

  it("yoco's random cut picks horizontal or vertical per image, about half each over 1,000 images", async () => {
    // 2×2 images [[0, 1], [2, 3]]: YOCO(vflip) swaps nothing on a horizontal cut (1-row halves)
    // and swaps the rows inside each column half on a vertical cut.
    const x = tf.tile(tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1]), [1000, 1, 1, 1]) as Tensor4D;
    const y = yoco(vflipAll)(x, createRng('yoco'));
    const v = await y.data();
    let vertical = 0;
    for (let i = 0; i < 1000; i++) {
      const img = Array.from(v.subarray(4 * i, 4 * i + 4)).join();
      expect(img === '0,1,2,3' || img === '2,3,0,1').toBe(true);
      if (img === '2,3,0,1') vertical++;
    }
    expect(Math.abs(vertical / 1000 - 0.5)).toBeLessThan(0.06);
    const flags = sampleBernoulliMask(1000, 0.5, createRng('yoco'));
    expect(1000 - flags.reduce((a, b) => a + b, 0)).toBe(vertical);
    tf.dispose([x, y]);
  });

  it('yoco keeps odd sides (first half the smaller) and rejects bad arguments', async () => {
    const x = seededBatch(2, 7, 5);
    const y = yoco(randomResizedCrop({ scale: [0.5, 1] }))(x, createRng(3));
    expect(y.shape).toEqual([2, 7, 5, 3]);
    expect(() => yoco(hflipAll, { cut: 'diagonal' as 'random' })).toThrow(/Error in yoco: cut must be 'horizontal', 'vertical' or 'random', but got "diagonal"/);
    const thin = seededBatch(1, 1, 4);
    expect(() => yoco(hflipAll, { cut: 'horizontal' })(thin, createRng(1))).toThrow(/Error in yoco: images must be at least 2 pixels along the cut side, but got 1×4/);
    expect(() => yoco(randomResizedCrop({ size: 3 }), { cut: 'vertical' })(x, createRng(1))).toThrow(/Error in yoco: the transform must keep the shape of each half/);
    tf.dispose([x, y, thin]);
  });
});
