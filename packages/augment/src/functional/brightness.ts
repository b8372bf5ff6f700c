import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { checkColorChannels, checkImageBatch, perSampleNumbers } from '../argument-checks.js';
import { emptyBatch } from '../empty-batch.js';
import { blend } from './blend.js';

/**
 * Scales brightness (torchvision `F.adjust_brightness`): `clamp(f·x, 0, 1)`, i.e. a blend with a
 * black image. Factor 0 gives black, 1 the original, 2 doubles brightness. Part of colour jitter
 * (`CJ`, Section 4.2; SimCLR's views).
 *
 * @param x NHWC float32 batch with 1 or 3 channels, values in [0, 1].
 * @param factors one non-negative factor for the whole batch, or one per sample.
 */
export function adjustBrightness(x: Tensor4D, factors: number | ArrayLike<number>): Tensor4D {
  const [n, h, w, c] = checkImageBatch('adjustBrightness', x);
  checkColorChannels('adjustBrightness', c);
  const f = perSampleNumbers('adjustBrightness', 'factors', factors, n, (v) => v >= 0, 'a non-negative number');
  if (n === 0) return emptyBatch(h, w, c);
  return tf.tidy(() => blend(x, tf.zerosLike(x), f));
}
