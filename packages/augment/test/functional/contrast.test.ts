import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from '@bdst/test-utils';
import { adjustContrast } from '@bdst/augment';
import { colorAdjustSpecs } from './color-adjust-cases.js';

describeBackends('adjustContrast', () => {
  colorAdjustSpecs('adjustContrast', adjustContrast, -1, /factors must be a non-negative number, but got -1/);

  it('factor 0 gives the flat gray mean of each image, factor 1 the image', async () => {
    const x = tf.tensor4d([0, 0.5, 1, 0.5, 0.1, 0.1, 0.1, 0.3], [2, 1, 4, 1]);
    const y = adjustContrast(x, [0, 1]);
    const v = Array.from(await y.data());
    for (const a of v.slice(0, 4)) expect(a).toBeCloseTo(0.5, 6);
    expect(v.slice(4)).toEqual(Array.from(await x.data()).slice(4));
    tf.dispose([x, y]);
  });
});
