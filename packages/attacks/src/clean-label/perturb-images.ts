import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ImageDataset, Rng } from '@bdst/core';
import { pgdAttack } from './pgd.js';

/** Options of {@link perturbImages}. */
export interface PerturbImagesOptions {
  model: LayersModel;
  eps: number;
  alpha: number;
  steps: number;
  rng: Rng;
  batchSize: number;
}

/**
 * Runs {@link pgdAttack} on the images of `dataset` at `indices`, `batchSize` at a time (one
 * batch on the backend at once, nothing left behind), attacking each image's label in
 * `dataset.labels`, and writes the results into `pixels` (a copy of `dataset.images`) as uint8.
 *
 * Quantisation respects the ball: each value is rounded to the nearest integer and then clamped
 * to the integers inside [p − eps·255, p + eps·255] ∩ [0, 255] around the original byte p, so the
 * stored perturbation is within `eps` exactly (for eps = 8/255: at most 8 grey levels).
 */
export async function perturbImages(dataset: ImageDataset, indices: Int32Array, pixels: Uint8Array, options: PerturbImagesOptions): Promise<void> {
  const { model, eps, alpha, steps, rng, batchSize } = options;
  const imageSize = dataset.imageSize;
  const radius = eps * 255;
  for (let start = 0; start < indices.length; start += batchSize) {
    const batch = indices.subarray(start, Math.min(start + batchSize, indices.length));
    const labels = Int32Array.from(batch, (i) => dataset.labels[i]);
    const x = dataset.toTensor(batch);
    let adversarial;
    try {
      adversarial = pgdAttack(model, x, { labels, eps, alpha, steps, rng });
    } finally {
      x.dispose();
    }
    const values = (await adversarial.data()) as Float32Array;
    adversarial.dispose();
    for (let k = 0; k < batch.length; k++) {
      const base = batch[k] * imageSize;
      for (let p = 0; p < imageSize; p++) {
        const original = dataset.images[base + p];
        const low = Math.max(0, Math.ceil(original - radius - 1e-6));
        const high = Math.min(255, Math.floor(original + radius + 1e-6));
        const v = Math.round(values[k * imageSize + p] * 255);
        pixels[base + p] = v < low ? low : v > high ? high : v;
      }
    }
  }
}
