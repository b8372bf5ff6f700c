import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { argumentError, checkImageBatch, describe } from '../argument-checks.js';
import { gaussianNoise } from '../functional/gaussian-noise.js';

/** The noise variances the paper averages `GNoise` over (Figure 1 caption). */
export const PAPER_GNOISE_VARIANCES: readonly number[] = [0.2, 0.5, 0.7, 1.0];

/** Options of {@link randomGaussianNoise}. */
export interface RandomGaussianNoiseOptions {
  /**
   * Noise variance σ² (in image units², images in [0, 1]): one value, or a list of which each image
   * gets one chosen uniformly at random. Default: the paper's four, `[0.2, 0.5, 0.7, 1.0]`.
   */
  variance?: number | readonly number[];
}

function checkVariances(op: string, variance: number | readonly number[]): readonly number[] {
  const list = typeof variance === 'number' ? [variance] : variance;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
    argumentError(op, `variance must be a number ≥ 0 or a non-empty list of them, but got ${describe(variance)}`);
  }
  return list;
}

/**
 * Picks each image's noise standard deviation: `√variance` for a single variance (no draw), or
 * `√v` for `v` chosen uniformly from the list (one `rng.int` per image).
 */
export function sampleNoiseStds(n: number, variance: number | readonly number[], rng: Rng): Float64Array {
  const op = 'sampleNoiseStds';
  if (!Number.isInteger(n) || n < 0) argumentError(op, `n must be an integer ≥ 0, but got ${n}`);
  const list = checkVariances(op, variance);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(list.length === 1 ? list[0] : list[rng.int(list.length)]);
  return out;
}

/**
 * Adds clamped Gaussian noise given by its **variance** (the paper's `GNoise`, Figure 1: "normal
 * distribution of variance 0.2, 0.5, 0.7 and 1.0"): `clamp(x + √σ²·ε, 0, 1)`. Standard deviations
 * from {@link sampleNoiseStds}, then {@link gaussianNoise} (which takes the std).
 */
export function randomGaussianNoise(options: RandomGaussianNoiseOptions = {}): Transform {
  const op = 'randomGaussianNoise';
  const variance = checkVariances(op, options.variance ?? PAPER_GNOISE_VARIANCES);
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n] = checkImageBatch(op, x);
    return gaussianNoise(x, sampleNoiseStds(n, variance, rng), rng);
  };
}
