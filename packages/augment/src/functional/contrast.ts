import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { checkColorChannels, checkImageBatch, perSampleNumbers } from '../argument-checks.js';
import { emptyBatch } from '../empty-batch.js';
import { blend } from './blend.js';
import { luma } from './grayscale.js';
import { imageMean } from './image-mean.js';

/**
 * Scales contrast (torchvision `F.adjust_contrast`): blends each image with the mean of its
 * grayscale version, `clamp(f·x + (1 − f)·mean(gray(x)), 0, 1)`. Factor 0 gives a flat gray image,
 * 1 the original. On a 1-channel image the mean is taken over that channel. Part of colour jitter.
 *
 * @param x NHWC float32 batch with 1 or 3 channels, values in [0, 1].
 * @param factors one non-negative factor for the whole batch, or one per sample.
 */
export function adjustContrast(x: Tensor4D, factors: number | ArrayLike<number>): Tensor4D {
  const [n, h, w, c] = checkImageBatch('adjustContrast', x);
  checkColorChannels('adjustContrast', c);
  const f = perSampleNumbers('adjustContrast', 'factors', factors, n, (v) => v >= 0, 'a non-negative number');
  if (n === 0) return emptyBatch(h, w, c);
  return tf.tidy(() => blend(x, imageMean(c === 3 ? luma(x) : x), f));
}
