import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { hflip, vflip } from '@bdst/augment';
import { caseLabel, fixtureCases, fixtureInput, fixtureOutput, maxAbsDiff } from '../torchvision-fixtures.js';

describeBackends('hflip / vflip', () => {
  const ops = { hflip, vflip };
  for (const [name, fn] of Object.entries(ops)) {
    for (const c of fixtureCases(name)) {
      it(`matches torchvision: ${caseLabel(c)}`, async () => {
        const x = fixtureInput(c.input);
        const y = await expectNoLeak(() => fn(x));
        const want = fixtureOutput(c);
        expect(y.shape).toEqual(want.shape);
        expect(maxAbsDiff(await y.data(), want.values)).toBe(0);
        tf.dispose([x, y]);
      });
    }
  }

  it('mirrors the right axis and does not touch the input', async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const h = hflip(x);
    const v = vflip(x);
    expect(Array.from(await h.data())).toEqual([3, 2, 1, 6, 5, 4]);
    expect(Array.from(await v.data())).toEqual([4, 5, 6, 1, 2, 3]);
    expect(Array.from(await x.data())).toEqual([1, 2, 3, 4, 5, 6]);
    tf.dispose([x, h, v]);
  });

  it('works on an empty batch', async () => {
    const x = tf.zeros([0, 4, 4, 3]) as tf.Tensor4D;
    const y = await expectNoLeak(() => hflip(x));
    expect(y.shape).toEqual([0, 4, 4, 3]);
    tf.dispose([x, y]);
  });

  it('rejects a tensor that is not rank 4', () => {
    const x = tf.zeros([4, 4, 3]);
    expect(() => hflip(x as unknown as tf.Tensor4D)).toThrow(/Error in hflip: x must be rank 4 \(NHWC\), but got rank 3/);
    expect(() => vflip(tf.zeros([1, 2, 2, 1], 'int32') as tf.Tensor4D)).toThrow(/vflip: x must be float32, but got int32/);
    x.dispose();
  });
});
