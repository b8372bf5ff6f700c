import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { argumentError, checkImageBatch, checkProbability, describe } from './argument-checks.js';
import { applyToSubset } from './apply-to-subset.js';
import { emptyBatch } from './empty-batch.js';
import { sampleBernoulliMask } from './random/bernoulli-mask.js';

/** The identity transform (the paper's `NoAug`): returns an unchanged copy and draws nothing. */
export const noAugmentation: Transform = (x: Tensor4D): Tensor4D => {
  checkImageBatch('noAugmentation', x);
  return tf.clone(x);
};

function checkTransform(op: string, name: string, t: unknown): void {
  if (typeof t !== 'function') argumentError(op, `${name} must be a Transform (x, rng) => Tensor4D, but got ${describe(t)}`);
}

/**
 * Chains transforms left to right (torchvision `Compose`; the paper's `+`, e.g. `RCS0.5+VFlip`).
 * All stages draw from the same `rng` in order, so calling the composition again continues the
 * stream (new parameters every batch); intermediates are disposed. An empty list is the identity.
 */
export function compose(transforms: readonly Transform[]): Transform {
  if (!Array.isArray(transforms)) argumentError('compose', `transforms must be an array of Transform, but got ${describe(transforms)}`);
  transforms.forEach((t, i) => checkTransform('compose', `transforms[${i}]`, t));
  const stages = [...transforms];
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    checkImageBatch('compose', x);
    if (stages.length === 0) return tf.clone(x);
    return tf.tidy(() => stages.reduce<Tensor4D>((y, t) => t(y, rng), x));
  };
}

/**
 * Applies `t` to each image with probability `p`, independently per sample (torchvision
 * `RandomApply([t], p)` image by image): the chosen images are gathered into one sub-batch, `t`
 * runs once on it, and the results go back in place. SimCLR applies its colour jitter with p = 0.8.
 * `t` must keep the image shape. `p = 0` returns an unchanged copy.
 *
 * @param p probability in [0, 1]; default 0.5.
 */
export function randomApply(t: Transform, p = 0.5): Transform {
  checkTransform('randomApply', 't', t);
  checkProbability('randomApply', 'p', p);
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n] = checkImageBatch('randomApply', x);
    return applyToSubset('randomApply', x, sampleBernoulliMask(n, p, rng), (sub) => t(sub, rng));
  };
}

/** Options of {@link yoco}. */
export interface YocoOptions {
  /**
   * `'horizontal'`: a horizontal cut line, i.e. top and bottom halves; `'vertical'`: left and right
   * halves; `'random'` (default): each image gets one of the two with probability ½ (the paper
   * reports YOCO "averaged over horizontal cut and vertical cut", Figure 1).
   */
  cut?: 'horizontal' | 'vertical' | 'random';
}

/** Cuts along `axis` (1 = rows, 2 = columns), transforms both halves independently, stitches back. */
function cutAndStitch(x: Tensor4D, axis: 1 | 2, t: Transform, rng: Rng): Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const side = axis === 1 ? h : w;
    const first = Math.floor(side / 2);
    const halves = tf.split(x, [first, side - first], axis) as Tensor4D[];
    const done = halves.map((half) => {
      const y = t(half, rng);
      if (y.shape.join() !== half.shape.join()) {
        argumentError('yoco', `the transform must keep the shape of each half [${half.shape.join(', ')}], but it returned [${y.shape.join(', ')}]`);
      }
      return y;
    });
    const out = tf.concat(done, axis) as Tensor4D;
    if (out.shape[0] !== n || out.shape[1] !== h || out.shape[2] !== w || out.shape[3] !== c) throw new Error('yoco: internal shape error');
    return out;
  });
}

/**
 * You Only Cut Once (Han et al. 2022; the paper's `YOCO(...)`, Section 4.2): cuts each image into
 * two halves, applies `t` to each half independently (fresh random parameters per half and per
 * image, all top/left halves as one batch, then all bottom/right halves), and stitches them back.
 * For odd sides the first half is the smaller (⌊side/2⌋). `t` must keep the half's shape (a random
 * resized crop without an explicit `size` resizes back to it).
 *
 * Draws: with `cut: 'random'`, one Bernoulli(½) per image first; then the transform's own draws,
 * horizontal-cut images before vertical-cut ones.
 */
export function yoco(t: Transform, options: YocoOptions = {}): Transform {
  checkTransform('yoco', 't', t);
  const cut = options.cut ?? 'random';
  if (cut !== 'horizontal' && cut !== 'vertical' && cut !== 'random') {
    argumentError('yoco', `cut must be 'horizontal', 'vertical' or 'random', but got ${describe(cut)}`);
  }
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n, h, w] = checkImageBatch('yoco', x);
    if ((cut !== 'vertical' && h < 2) || (cut !== 'horizontal' && w < 2)) {
      argumentError('yoco', `images must be at least 2 pixels along the cut side, but got ${h}×${w}`);
    }
    if (n === 0) return emptyBatch(h, w, x.shape[3]);
    if (cut === 'horizontal') return cutAndStitch(x, 1, t, rng);
    if (cut === 'vertical') return cutAndStitch(x, 2, t, rng);
    const horizontal = sampleBernoulliMask(n, 0.5, rng);
    const vertical = horizontal.map((v) => 1 - v);
    return tf.tidy(() => {
      const y = applyToSubset('yoco', x, horizontal, (sub) => cutAndStitch(sub, 1, t, rng));
      return applyToSubset('yoco', y, vertical, (sub) => cutAndStitch(sub, 2, t, rng));
    });
  };
}
