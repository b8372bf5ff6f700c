import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { argumentError, checkImageBatch, checkRange, describe } from '../argument-checks.js';
import { gaussianBlur } from '../functional/gaussian-blur.js';

/** Options of {@link randomGaussianBlur}. */
export interface RandomGaussianBlurOptions {
  /** Odd kernel size ≥ 1, or `[kh, kw]`; default 3. */
  kernelSize?: number | readonly [number, number];
  /** Range `[lo, hi]` (0 < lo ≤ hi) of the per-image σ in pixels, or one fixed σ; default `[0.1, 2]` (torchvision). */
  sigma?: number | readonly [number, number];
}

/** Samples one blur σ per image, uniform in `[lo, hi]` (torchvision `GaussianBlur.get_params`); one draw per image. */
export function sampleBlurSigmas(n: number, sigma: readonly [number, number], rng: Rng): Float64Array {
  if (!Number.isInteger(n) || n < 0) argumentError('sampleBlurSigmas', `n must be an integer ≥ 0, but got ${n}`);
  const [lo, hi] = checkRange('sampleBlurSigmas', 'sigma', sigma, (v) => v > 0 && Number.isFinite(v), 'each > 0');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

/**
 * Blurs each image with its own random σ (torchvision `GaussianBlur(kernel_size, sigma=(lo, hi))`):
 * σ from {@link sampleBlurSigmas}, then {@link gaussianBlur}. The paper's `GBlur_<k>_<s>` uses a fixed σ.
 */
export function randomGaussianBlur(options: RandomGaussianBlurOptions = {}): Transform {
  const op = 'randomGaussianBlur';
  const kernelSize = options.kernelSize ?? 3;
  const ks = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  if (!Array.isArray(ks) || ks.length !== 2 || !ks.every((k) => Number.isInteger(k) && k >= 1 && k % 2 === 1)) {
    argumentError(op, `kernelSize must be odd integers ≥ 1, but got ${describe(kernelSize)}`);
  }
  const raw = options.sigma ?? [0.1, 2];
  if (typeof raw === 'number' && !(raw > 0 && Number.isFinite(raw))) argumentError(op, `sigma must be > 0, but got ${raw}`);
  const sigma = typeof raw === 'number' ? ([raw, raw] as const) : checkRange(op, 'sigma', raw, (v) => v > 0 && Number.isFinite(v), 'each > 0');
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n] = checkImageBatch(op, x);
    return gaussianBlur(x, kernelSize, sampleBlurSigmas(n, sigma, rng));
  };
}
