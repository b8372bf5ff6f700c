import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { argumentError, checkColorChannels, checkImageBatch } from '../argument-checks.js';
import { mergeChannels, splitChannels } from './channel-planes.js';
import { emptyBatch } from '../empty-batch.js';

/**
 * The luma of an RGB batch, `0.2989·R + 0.587·G + 0.114·B` (ITU-R 601-2, torchvision's weights and
 * summation order), as an `[N, H, W, 1]` tensor. Internal building block; the caller owns the tidy
 * scope.
 */
export function luma(x: Tensor4D): Tensor4D {
  const [r, g, b] = splitChannels(x);
  return tf.add(tf.add(tf.mul(r, 0.2989), tf.mul(g, 0.587)), tf.mul(b, 0.114)) as Tensor4D;
}

/**
 * Converts RGB images to grayscale (torchvision `F.rgb_to_grayscale`), ITU-R 601-2 luma
 * `L = 0.2989·R + 0.587·G + 0.114·B`, repeated over `numOutputChannels` channels. The paper's
 * `GrSc` (Figure 1) and SimCLR's random grayscale.
 *
 * A 1-channel input is already gray: it is returned as a copy with `numOutputChannels` channels
 * (so `GrSc` is the identity on Fashion-MNIST).
 *
 * @param x NHWC float32 batch with 1 or 3 channels, values in [0, 1].
 * @param numOutputChannels 1 or 3 (default 3, so the result can replace the RGB input).
 */
export function rgbToGrayscale(x: Tensor4D, numOutputChannels: 1 | 3 = 3): Tensor4D {
  const [n, h, w, c] = checkImageBatch('rgbToGrayscale', x);
  checkColorChannels('rgbToGrayscale', c);
  if (numOutputChannels !== 1 && numOutputChannels !== 3) {
    argumentError('rgbToGrayscale', `numOutputChannels must be 1 or 3, but got ${numOutputChannels}`);
  }
  if (n === 0) return emptyBatch(h, w, numOutputChannels);
  return tf.tidy(() => {
    const l = c === 3 ? luma(x) : x;
    return numOutputChannels === 1 ? (c === 3 ? l : tf.clone(l)) : mergeChannels([l, l, l]);
  });
}
