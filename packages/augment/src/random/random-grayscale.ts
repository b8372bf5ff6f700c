import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { checkColorChannels, checkImageBatch, checkProbability } from '../argument-checks.js';
import { applyToSubset } from '../apply-to-subset.js';
import { rgbToGrayscale } from '../functional/grayscale.js';
import { sampleBernoulliMask } from './bernoulli-mask.js';

/**
 * Converts each image to grayscale with probability `p`, independently per sample, keeping the
 * channel count (torchvision `RandomGrayscale(p)`). SimCLR uses p = 0.2. Identity on 1-channel
 * images (they are already gray).
 *
 * @param p probability in [0, 1]; default 0.1 (torchvision's default).
 */
export function randomGrayscale(p = 0.1): Transform {
  const op = 'randomGrayscale';
  checkProbability(op, 'p', p);
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n, , , c] = checkImageBatch(op, x);
    checkColorChannels(op, c);
    return applyToSubset(op, x, sampleBernoulliMask(n, p, rng), (sub) => rgbToGrayscale(sub, c as 1 | 3));
  };
}
