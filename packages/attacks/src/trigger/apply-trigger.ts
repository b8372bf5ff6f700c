import * as tf from '@tensorflow/tfjs-core';
import { ImageDataset } from '@bdst/core';
import { patternForChannels, triggerPlacement, type Trigger } from './trigger.js';
import { buildPoisonedDataset } from '../poison/poisoned-dataset.js';

/**
 * Stamps `trigger` onto images (the poisoned image generator 𝒢 of Section 3).
 *
 * - On an {@link ImageDataset} (uint8, exact): every image gets the trigger's pattern written
 *   where its mask is 1; no other byte changes. Returns a new dataset (the input is untouched)
 *   with the same labels, `meta.poisoned` set to 1 for every sample and `meta.originalLabels`
 *   kept (or set to the current labels when the input had none).
 * - On a `Tensor4D` (NHWC float32 in [0, 1]): returns a new tensor where masked pixels equal
 *   `pattern / 255` exactly (so stamping then converting equals converting then stamping), and
 *   every other value is the input's. The input is not disposed; nothing else is left behind.
 *
 * The image's channel count decides how the pattern is written; see {@link Trigger}.
 * Throws when the trigger does not fit inside the image at its position.
 */
export function applyTrigger(images: ImageDataset, trigger: Trigger): ImageDataset;
export function applyTrigger(images: tf.Tensor4D, trigger: Trigger): tf.Tensor4D;
export function applyTrigger(images: ImageDataset | tf.Tensor4D, trigger: Trigger): ImageDataset | tf.Tensor4D {
  if (images instanceof ImageDataset) {
    const [n, h, w] = images.shape;
    triggerPlacement(trigger, h, w, 'applyTrigger');
    const pixels = images.images.slice();
    const all = Int32Array.from({ length: n }, (_, i) => i);
    stampTriggerInPlace(pixels, images.shape, all, trigger, 'applyTrigger');
    return buildPoisonedDataset(images, { images: pixels, labels: images.labels, poisonedIndices: all });
  }
  if (!(images instanceof tf.Tensor)) {
    throw new Error(`Error in applyTrigger: images must be an ImageDataset or a Tensor4D, but got ${describe(images)}`);
  }
  if (images.rank !== 4) {
    throw new Error(`Error in applyTrigger: images must be rank 4 (NHWC), but got rank ${images.rank}`);
  }
  const [, h, w, c] = images.shape;
  if (c !== 1 && c !== 3) {
    throw new Error(`Error in applyTrigger: images must have 1 or 3 channels, but got ${c}`);
  }
  const { top, left } = triggerPlacement(trigger, h, w, 'applyTrigger');
  const { patternImage, maskImage } = triggerImages(trigger, h, w, c, top, left);
  return tf.tidy(() => {
    const pattern = tf.tensor4d(patternImage, [1, h, w, c], 'float32');
    const mask = tf.tensor4d(maskImage, [1, h, w, 1], 'float32');
    const x = tf.cast(images, 'float32');
    // x·(1 − m) + p·m with m ∈ {0, 1}: exactly x where m = 0 and exactly p where m = 1.
    return tf.add(tf.mul(x, tf.sub(1, mask)), tf.mul(pattern, mask)) as tf.Tensor4D;
  });
}

/**
 * Writes `trigger` into the uint8 HWC images at `indices` of a `[N, H, W, C]` pixel buffer,
 * in place. The caller has checked that the trigger fits.
 */
export function stampTriggerInPlace(
  pixels: Uint8Array,
  shape: readonly [number, number, number, number],
  indices: ArrayLike<number>,
  trigger: Trigger,
  caller: string,
): void {
  const [, h, w, c] = shape;
  const { top, left } = triggerPlacement(trigger, h, w, caller);
  const pattern = patternForChannels(trigger, c);
  const imageSize = h * w * c;
  for (let k = 0; k < indices.length; k++) {
    const base = indices[k] * imageSize;
    for (let r = 0; r < trigger.height; r++) {
      for (let q = 0; q < trigger.width; q++) {
        const p = r * trigger.width + q;
        if (!trigger.mask[p]) continue;
        const dst = base + ((top + r) * w + (left + q)) * c;
        for (let ch = 0; ch < c; ch++) pixels[dst + ch] = pattern[p * c + ch];
      }
    }
  }
}

/** The trigger laid out on a whole H×W image: pattern/255 (H·W·C floats) and mask (H·W). */
function triggerImages(trigger: Trigger, h: number, w: number, c: number, top: number, left: number) {
  const pattern = patternForChannels(trigger, c);
  const patternImage = new Float32Array(h * w * c);
  const maskImage = new Float32Array(h * w);
  for (let r = 0; r < trigger.height; r++) {
    for (let q = 0; q < trigger.width; q++) {
      const p = r * trigger.width + q;
      if (!trigger.mask[p]) continue;
      const pix = (top + r) * w + (left + q);
      maskImage[pix] = 1;
      for (let ch = 0; ch < c; ch++) patternImage[pix * c + ch] = pattern[p * c + ch] / 255;
    }
  }
  return { patternImage, maskImage };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}
