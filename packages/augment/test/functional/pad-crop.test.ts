import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { padCrop } from '@bdst/augment';
import { fixtureInput, maxAbsDiff, torchvisionFixtureSpecs } from '../torchvision-fixtures.js';
import { expectBatchedEqualsUnbatched } from '../batch-consistency.js';

describeBackends('padCrop', () => {
  torchvisionFixtureSpecs('padCrop', (x, p) => padCrop(x, p.padding as number, p.offsets as [number, number][]), 0);

  it('the centre offset is the identity; a shift moves pixels and brings in zeros', async () => {
    const x = fixtureInput('gray');
    const same = await expectNoLeak(() => padCrop(x, 2, [[2, 2], [2, 2], [2, 2], [2, 2]]));
    expect(maxAbsDiff(await same.data(), await x.data())).toBe(0);
    const small = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const shifted = padCrop(small, 1, [[0, 2]]);
    expect(Array.from(await shifted.data())).toEqual([0, 0, 2, 0]);
    tf.dispose([x, same, small, shifted]);
  });

  it('batched equals unbatched; an empty batch works', async () => {
    const x = fixtureInput('rgb');
    const offsets: [number, number][] = [[0, 0], [8, 8], [3, 5], [4, 4]];
    await expectBatchedEqualsUnbatched(x, (t, picks) => padCrop(t, 4, picks.map((i) => offsets[i])));
    const empty = tf.zeros([0, 4, 4, 3]) as Tensor4D;
    const y = await expectNoLeak(() => padCrop(empty, 4, []));
    expect(y.shape).toEqual([0, 4, 4, 3]);
    tf.dispose([x, empty, y]);
  });

  it('rejects bad padding, offsets out of range and a wrong number of offsets', () => {
    const x = tf.zeros([2, 4, 4, 3]) as Tensor4D;
    expect(() => padCrop(x, -1, [[0, 0], [0, 0]])).toThrow(/Error in padCrop: padding must be an integer ≥ 0, but got -1/);
    expect(() => padCrop(x, 2, [[0, 0], [0, 5]])).toThrow(/Error in padCrop: offsets\[1\] must be \[top, left\] of integers in \[0, 4\], but got \[0,5\]/);
    expect(() => padCrop(x, 2, [[0, 0]])).toThrow(/offsets must have one \[top, left\] per sample \(2\), but got 1/);
    x.dispose();
  });
});
