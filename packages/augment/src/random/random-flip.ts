import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { checkImageBatch, checkProbability } from '../argument-checks.js';
import { flipChosen } from '../functional/flip.js';
import { sampleBernoulliMask } from './bernoulli-mask.js';

function randomFlip(op: string, p: number, axis: 1 | 2): Transform {
  checkProbability(op, 'p', p);
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n] = checkImageBatch(op, x);
    return flipChosen(x, axis, sampleBernoulliMask(n, p, rng));
  };
}

/**
 * Flips each image left–right with probability `p`, independently per sample (torchvision
 * `RandomHorizontalFlip(p)`); the flip decisions come from {@link sampleBernoulliMask}.
 * Section 5.1's "random horizontal flips" (p = 0.5) and SimCLR's flip.
 *
 * @param p probability of flipping each image, in [0, 1]; default 0.5. `p = 0` returns a copy.
 */
export function randomHorizontalFlip(p = 0.5): Transform {
  return randomFlip('randomHorizontalFlip', p, 2);
}

/**
 * Flips each image top–bottom with probability `p`, independently per sample (torchvision
 * `RandomVerticalFlip(p)`). With `p = 1` this is the `VFlip` of `RCS0.5+VFlip` (Section 4.2).
 *
 * @param p probability of flipping each image, in [0, 1]; default 0.5. `p = 0` returns a copy.
 */
export function randomVerticalFlip(p = 0.5): Transform {
  return randomFlip('randomVerticalFlip', p, 1);
}
