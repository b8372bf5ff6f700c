import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng } from '@bdst/core';
import { argumentError, checkImageBatch, perSampleNumbers } from '../argument-checks.js';
import { emptyBatch } from '../empty-batch.js';

/**
 * Adds zero-mean Gaussian noise of standard deviation `std` to every pixel and channel, then clamps
 * to [0, 1]: `clamp(x + std·ε, 0, 1)`, `ε ~ N(0, 1)`. The paper's `GNoise` (Figure 1), which is
 * specified by the noise *variance* σ² ∈ {0.2, 0.5, 0.7, 1.0}: pass `std = √variance` here, or use
 * `randomGaussianNoise({ variance })` / `parseAugmentation('GNoise_0.5')`, which take the variance.
 *
 * The noise comes from `tf.randomNormal` seeded with `rng.tfSeed()` (generated on the host, so the
 * same `rng` state gives the same noise on every backend); `rng` advances by one draw.
 *
 * @param x NHWC float32 batch in [0, 1], any number of channels.
 * @param std noise standard deviation (≥ 0, in image units): one for the batch or one per sample.
 * @param rng the random stream the noise is drawn from.
 */
export function gaussianNoise(x: Tensor4D, std: number | ArrayLike<number>, rng: Rng): Tensor4D {
  const op = 'gaussianNoise';
  const [n, h, w, c] = checkImageBatch(op, x);
  const stds = perSampleNumbers(op, 'std', std, n, (v) => v >= 0, 'a number ≥ 0');
  if (rng == null || typeof rng.tfSeed !== 'function') argumentError(op, 'rng must be an Rng from @bdst/core');
  const seed = rng.tfSeed();
  if (n === 0) return emptyBatch(h, w, c);
  return tf.tidy(() => {
    const noise = tf.randomNormal(x.shape, 0, 1, 'float32', seed);
    const scaled = tf.mul(noise, tf.tensor4d(Float32Array.from(stds), [n, 1, 1, 1]));
    return tf.clipByValue(tf.add(x, scaled), 0, 1) as Tensor4D;
  });
}
