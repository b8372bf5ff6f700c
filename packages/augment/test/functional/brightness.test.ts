import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from '@bdst/test-utils';
import { adjustBrightness } from '@bdst/augment';
import { colorAdjustSpecs } from './color-adjust-cases.js';

describeBackends('adjustBrightness', () => {
  colorAdjustSpecs('adjustBrightness', adjustBrightness, -0.1, /factors must be a non-negative number, but got -0.1/);

  it('scales and clamps to [0, 1]', async () => {
    const x = tf.tensor4d([0.2, 0.6], [1, 1, 2, 1]);
    const y = adjustBrightness(x, 2);
    expect(Array.from(await y.data())).toEqual([Math.fround(0.4), 1]);
    tf.dispose([x, y]);
  });
});
