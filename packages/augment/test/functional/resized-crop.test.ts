import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { resizedCrop, type Box, type ResizeInterpolation } from '@bdst/augment';
import { fixtureInput, maxAbsDiff, torchvisionFixtureSpecs } from '../torchvision-fixtures.js';
import { expectBatchedEqualsUnbatched } from '../batch-consistency.js';

describeBackends('resizedCrop', () => {
  torchvisionFixtureSpecs('resizedCrop', (x, p) =>
    resizedCrop(x, p.boxes as Box[], p.size as [number, number], p.interpolation as ResizeInterpolation),
  );

  it('the full box at the same size is the identity (bilinear and nearest)', async () => {
    const x = fixtureInput('rgb');
    const full: Box[] = Array.from({ length: 4 }, () => [0, 0, 12, 10] as const);
    for (const mode of ['bilinear', 'nearest'] as const) {
      const y = await expectNoLeak(() => resizedCrop(x, full, [12, 10], mode));
      expect(maxAbsDiff(await y.data(), await x.data())).toBe(0);
      y.dispose();
    }
    x.dispose();
  });

  it('a 1×1 box gives a flat image of that pixel; a number size means a square', async () => {
    const x = tf.tensor4d([0.1, 0.2, 0.3, 0.4], [1, 2, 2, 1]);
    const y = resizedCrop(x, [[1, 0, 1, 1]], 3);
    expect(y.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(await y.data())).toEqual(new Array(9).fill(Math.fround(0.3)));
    tf.dispose([x, y]);
  });

  it('batched equals unbatched; an empty batch works', async () => {
    const x = fixtureInput('rgb');
    const boxes: Box[] = [[0, 0, 12, 10], [2, 1, 7, 8], [5, 4, 6, 3], [1, 3, 10, 5]];
    for (const mode of ['bilinear', 'nearest'] as const) {
      await expectBatchedEqualsUnbatched(x, (t, picks) => resizedCrop(t, picks.map((i) => boxes[i]), [7, 9], mode));
    }
    const empty = tf.zeros([0, 12, 10, 3]) as Tensor4D;
    const y = await expectNoLeak(() => resizedCrop(empty, [], [5, 6]));
    expect(y.shape).toEqual([0, 5, 6, 3]);
    tf.dispose([x, empty, y]);
  });

  it('rejects a box outside the image, an empty box, a wrong number of boxes, a bad size and interpolation', () => {
    const x = tf.zeros([2, 6, 8, 3]) as Tensor4D;
    const ok: Box = [0, 0, 2, 2];
    expect(() => resizedCrop(x, [ok, [5, 0, 2, 2]], 4)).toThrow(/Error in resizedCrop: boxes\[1\] = \[5,0,2,2\] must lie inside the 6×8 image/);
    expect(() => resizedCrop(x, [ok, [0, 7, 2, 2]], 4)).toThrow(/boxes\[1\] = \[0,7,2,2\] must lie inside the 6×8 image/);
    expect(() => resizedCrop(x, [ok, [0, 0, 0, 2]], 4)).toThrow(/boxes\[1\] must have height and width ≥ 1/);
    expect(() => resizedCrop(x, [ok], 4)).toThrow(/Error in resizedCrop: boxes must have one box per sample \(2\), but got 1/);
    expect(() => resizedCrop(x, [ok, ok], 0)).toThrow(/Error in resizedCrop: size must be a positive integer or \[height, width\]/);
    expect(() => resizedCrop(x, [ok, ok], 4, 'bicubic' as 'nearest')).toThrow(/interpolation must be 'bilinear' or 'nearest', but got bicubic/);
    x.dispose();
  });
});
