import type { Rng } from '@bdst/core';
import { quantileSorted } from './quantile.js';

/** Descriptive statistics of repeated measurements, from {@link summarize}. */
export interface Summary {
  /** Number of values. */
  n: number;
  /** Arithmetic mean. */
  mean: number;
  /** Sample standard deviation (divides by n − 1); NaN when n < 2. */
  std: number;
  /** Smallest value. */
  min: number;
  /** First quartile (linear interpolation, numpy's default). */
  q1: number;
  /** Median. */
  median: number;
  /** Third quartile. */
  q3: number;
  /** Largest value. */
  max: number;
  /**
   * Percentile-bootstrap confidence interval of the mean at `confidence`:
   * `[low, high]`, the (1 − c)/2 and (1 + c)/2 quantiles of the resampled means.
   * Collapses to `[mean, mean]` when n = 1.
   */
  ci: [number, number];
  /** The confidence level of `ci` (default 0.95). */
  confidence: number;
}

/** Options of {@link summarize}. */
export interface SummarizeOptions {
  /** Draws the bootstrap resamples (same seed, same interval). */
  rng: Rng;
  /** Number of bootstrap resamples. Default 10,000. */
  resamples?: number;
  /** Confidence level of the interval, in (0, 1). Default 0.95. */
  confidence?: number;
}

/**
 * Summarises results over seeds or stochastic augmentations (e.g. the SA and ASR values behind a
 * Figure 1 box, or a Table 2 cell over seeds): mean, sample standard deviation, five-number
 * summary and a seeded percentile-bootstrap 95% interval of the mean.
 *
 * @param values finite numbers, at least one.
 */
export function summarize(values: ArrayLike<number>, options: SummarizeOptions): Summary {
  const caller = 'summarize';
  if (!values || typeof values.length !== 'number' || values.length === 0) {
    throw new Error(`Error in ${caller}: values must be a non-empty array of numbers, but got ${values && typeof values.length === 'number' ? 'an empty array' : typeof values}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number' || !Number.isFinite(values[i])) throw new Error(`Error in ${caller}: values[${i}] must be a finite number, but got ${values[i]}`);
  }
  const { rng, resamples = 10_000, confidence = 0.95 } = options ?? ({} as SummarizeOptions);
  if (!rng || typeof rng.int !== 'function') throw new Error(`Error in ${caller}: options.rng must be an Rng from @bdst/core's createRng(seed)`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`Error in ${caller}: resamples must be a positive integer, but got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`Error in ${caller}: confidence must be in (0, 1), but got ${confidence}`);

  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (sorted[i] - mean) ** 2;
  const std = n > 1 ? Math.sqrt(squares / (n - 1)) : NaN;

  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += sorted[rng.int(n)];
    means[b] = s / n;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  return {
    n,
    mean,
    std,
    min: sorted[0],
    q1: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    q3: quantileSorted(sorted, 0.75),
    max: sorted[n - 1],
    ci: [quantileSorted(means, tail), quantileSorted(means, 1 - tail)],
    confidence,
  };
}
