import type { Rng } from '@bdst/core';
import { argumentError, checkProbability } from '../argument-checks.js';

/**
 * Draws `n` independent Bernoulli(p) flags from `rng` (one `rng.next()` per sample, 1 when it is
 * below `p`), the per-sample "apply or not" decision of the random flips, `randomGrayscale` and
 * `randomApply` (torchvision's `torch.rand(1) < p`, once per image).
 *
 * @param n number of samples (integer ≥ 0).
 * @param p probability of a 1, in [0, 1].
 */
export function sampleBernoulliMask(n: number, p: number, rng: Rng): Uint8Array {
  if (!Number.isInteger(n) || n < 0) argumentError('sampleBernoulliMask', `n must be an integer ≥ 0, but got ${n}`);
  checkProbability('sampleBernoulliMask', 'p', p);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = rng.next() < p ? 1 : 0;
  return mask;
}
