import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { rgbToGrayscale } from '@bdst/augment';
import { caseLabel, fixtureCases, fixtureInput, fixtureOutput, maxAbsDiff } from '../torchvision-fixtures.js';
import { expectBatchedEqualsUnbatched } from '../batch-consistency.js';

describeBackends('rgbToGrayscale', () => {
  for (const c of fixtureCases('rgbToGrayscale')) {
    it(`matches torchvision within 1e-3: ${caseLabel(c)}`, async () => {
      const x = fixtureInput(c.input);
      const y = await expectNoLeak(() => rgbToGrayscale(x, c.params.numOutputChannels as 1 | 3));
      const want = fixtureOutput(c);
      expect(y.shape).toEqual(want.shape);
      expect(maxAbsDiff(await y.data(), want.values)).toBeLessThanOrEqual(1e-3);
      tf.dispose([x, y]);
    });
  }

  it('uses the ITU-R 601-2 weights', async () => {
    const x = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 0, 1], [1, 1, 3, 3]);
    const y = rgbToGrayscale(x, 1);
    const v = Array.from(await y.data());
    expect(v[0]).toBeCloseTo(0.2989, 6);
    expect(v[1]).toBeCloseTo(0.587, 6);
    expect(v[2]).toBeCloseTo(0.114, 6);
    tf.dispose([x, y]);
  });

  it('batched equals unbatched; an empty batch works', async () => {
    const x = fixtureInput('rgb');
    await expectBatchedEqualsUnbatched(x, (t) => rgbToGrayscale(t));
    const empty = tf.zeros([0, 3, 3, 3]) as tf.Tensor4D;
    const y = await expectNoLeak(() => rgbToGrayscale(empty));
    expect(y.shape).toEqual([0, 3, 3, 3]);
    tf.dispose([x, empty, y]);
  });

  it('is the identity on 1-channel images (a copy with numOutputChannels channels)', async () => {
    const x = fixtureInput('gray');
    const one = await expectNoLeak(() => rgbToGrayscale(x, 1));
    const three = await expectNoLeak(() => rgbToGrayscale(x, 3));
    expect(one).not.toBe(x);
    expect(Array.from(await one.data())).toEqual(Array.from(await x.data()));
    expect(three.shape).toEqual([4, 12, 10, 3]);
    const t = (await three.data()) as Float32Array;
    const g = (await x.data()) as Float32Array;
    expect([t[0], t[1], t[2], t[30]]).toEqual([g[0], g[0], g[0], g[10]]);
    tf.dispose([x, one, three]);
  });

  it('rejects other channel counts and output channel counts', () => {
    const x = tf.zeros([1, 2, 2, 4]) as tf.Tensor4D;
    const rgb = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    expect(() => rgbToGrayscale(x)).toThrow(/Error in rgbToGrayscale: x must have 1 \(gray\) or 3 \(RGB\) channels, but got 4/);
    expect(() => rgbToGrayscale(rgb, 2 as 1)).toThrow(/numOutputChannels must be 1 or 3, but got 2/);
    tf.dispose([x, rgb]);
  });
});
