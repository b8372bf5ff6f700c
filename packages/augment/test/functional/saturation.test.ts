import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { adjustSaturation, rgbToGrayscale } from '@bdst/augment';
import { colorAdjustSpecs } from './color-adjust-cases.js';
import { fixtureInput } from '../torchvision-fixtures.js';

describeBackends('adjustSaturation', () => {
  colorAdjustSpecs('adjustSaturation', adjustSaturation, -2, /factors must be a non-negative number, but got -2/);

  it('factor 0 is grayscale; 1-channel images are returned unchanged', async () => {
    const x = fixtureInput('rgb');
    const y = adjustSaturation(x, 0);
    const g = rgbToGrayscale(x);
    expect(Array.from(await y.data())).toEqual(Array.from(await g.data()));
    const gray = fixtureInput('gray');
    const same = await expectNoLeak(() => adjustSaturation(gray, 0.3));
    expect(Array.from(await same.data())).toEqual(Array.from(await gray.data()));
    tf.dispose([x, y, g, gray, same]);
  });
});
