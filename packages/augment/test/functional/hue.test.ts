import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { adjustHue } from '@bdst/augment';
import { colorAdjustSpecs } from './color-adjust-cases.js';
import { fixtureInput, maxAbsDiff } from '../torchvision-fixtures.js';

describeBackends('adjustHue', () => {
  colorAdjustSpecs('adjustHue', adjustHue, 0.6, /factors must be in \[-0.5, 0.5\], but got 0.6/);

  it('a shift of 1/3 turns red into green; a shift of 0 keeps the image', async () => {
    const x = tf.tensor4d([1, 0, 0], [1, 1, 1, 3]);
    const y = adjustHue(x, 1 / 3);
    expect(maxAbsDiff(await y.data(), [0, 1, 0])).toBeLessThan(1e-6);
    const img = fixtureInput('rgb');
    const same = adjustHue(img, 0);
    expect(maxAbsDiff(await same.data(), await img.data())).toBeLessThan(1e-5);
    tf.dispose([x, y, img, same]);
  });

  it('is the identity on 1-channel images', async () => {
    const gray = fixtureInput('gray');
    const y = await expectNoLeak(() => adjustHue(gray, 0.4));
    expect(Array.from(await y.data())).toEqual(Array.from(await gray.data()));
    tf.dispose([gray, y]);
  });
});
