import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { checkColorChannels, checkImageBatch, perSampleNumbers } from '../argument-checks.js';
import { emptyBatch } from '../empty-batch.js';
import { blend } from './blend.js';
import { luma } from './grayscale.js';

/**
 * Scales saturation (torchvision `F.adjust_saturation`): blends each RGB image with its grayscale
 * version, `clamp(f·x + (1 − f)·gray(x), 0, 1)`. Factor 0 gives grayscale, 1 the original.
 * Part of colour jitter.
 *
 * A 1-channel image has no saturation: it is returned unchanged (a copy), as torchvision does.
 *
 * @param x NHWC float32 batch with 1 or 3 channels, values in [0, 1].
 * @param factors one non-negative factor for the whole batch, or one per sample.
 */
export function adjustSaturation(x: Tensor4D, factors: number | ArrayLike<number>): Tensor4D {
  const [n, h, w, c] = checkImageBatch('adjustSaturation', x);
  checkColorChannels('adjustSaturation', c);
  const f = perSampleNumbers('adjustSaturation', 'factors', factors, n, (v) => v >= 0, 'a non-negative number');
  if (n === 0) return emptyBatch(h, w, c);
  if (c === 1) return tf.clone(x);
  return tf.tidy(() => blend(x, luma(x), f));
}
