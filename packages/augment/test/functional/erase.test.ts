import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { erase, type Box } from '@bdst/augment';
import { fixtureInput, torchvisionFixtureSpecs } from '../torchvision-fixtures.js';
import { expectBatchedEqualsUnbatched } from '../batch-consistency.js';

describeBackends('erase', () => {
  torchvisionFixtureSpecs('erase', (x, p) => erase(x, p.boxes as Box[], p.value as number), 0);

  it('batched equals unbatched', async () => {
    const x = fixtureInput('rgb');
    const boxes: Box[] = [[0, 0, 4, 4], [3, 2, 5, 6], [11, 9, 1, 1], [2, 0, 0, 10]];
    await expectBatchedEqualsUnbatched(x, (t, picks) => erase(t, picks.map((i) => boxes[i]), 0.3));
    x.dispose();
  });

  it('works on an empty batch', async () => {
    const x = tf.zeros([0, 4, 4, 1]) as Tensor4D;
    const y = await expectNoLeak(() => erase(x, []));
    expect(y.shape).toEqual([0, 4, 4, 1]);
    tf.dispose([x, y]);
  });

  it('rejects a box outside the image, a wrong number of boxes and a bad value', () => {
    const x = tf.zeros([2, 4, 5, 3]) as Tensor4D;
    expect(() => erase(x, [[0, 0, 1, 1], [3, 0, 2, 1]])).toThrow(/Error in erase: boxes\[1\] = \[3,0,2,1\] must lie inside the 4×5 image/);
    expect(() => erase(x, [[0, 0, 1, 1], [0, -1, 2, 1]])).toThrow(/boxes\[1\] = \[0,-1,2,1\] must lie inside/);
    expect(() => erase(x, [[0, 0, 1, 1]])).toThrow(/Error in erase: boxes must have one box per sample \(2\), but got 1/);
    expect(() => erase(x, [[0, 0, 1, 1], [0, 0, 1.5, 1]])).toThrow(/boxes\[1\] must be \[top, left, height, width\] of integers/);
    expect(() => erase(x, [[0, 0, 1, 1], [0, 0, 1, 1]], Number.NaN)).toThrow(/value must be a finite number, but got NaN/);
    x.dispose();
  });
});
