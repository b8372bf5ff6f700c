import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { argumentError, checkColorChannels, checkImageBatch, checkProbability, describe } from '../argument-checks.js';
import { emptyBatch } from '../empty-batch.js';
import { sampleBernoulliMask } from './bernoulli-mask.js';
import { adjustBrightness } from '../functional/brightness.js';
import { adjustContrast } from '../functional/contrast.js';
import { adjustHue } from '../functional/hue.js';
import { adjustSaturation } from '../functional/saturation.js';

/**
 * Colour-jitter strengths, as torchvision's `ColorJitter`: a number `b` means factors in
 * `[max(0, 1 − b), 1 + b]` (hue: shifts in `[−h, h]`, h ≤ 0.5); `[lo, hi]` gives the factor
 * (shift) range explicitly. Omitted or 0 disables that adjustment.
 */
export interface ColorJitterOptions {
  /** Brightness factor range (1 = unchanged); `b` means `[max(0, 1 − b), 1 + b]`. Default: off. */
  brightness?: number | readonly [number, number];
  /** Contrast factor range (1 = unchanged); `c` means `[max(0, 1 − c), 1 + c]`. Default: off. */
  contrast?: number | readonly [number, number];
  /** Saturation factor range (1 = unchanged); `s` means `[max(0, 1 − s), 1 + s]`. Default: off. */
  saturation?: number | readonly [number, number];
  /** Hue shift range in turns, within [−0.5, 0.5]; `h` means `[−h, h]`. Default: off. */
  hue?: number | readonly [number, number];
  /**
   * Probability of jittering each image, in [0, 1]; default 1. `p < 1` is torchvision's
   * `RandomApply([ColorJitter(...)], p)` (SimCLR: p = 0.8), with the same draws and results as
   * `randomApply(colorJitter(...), p)` but cheaper (one pass over the batch).
   */
  p?: number;
}

/** The factor ranges a {@link ColorJitterOptions} resolves to; `null` = that adjustment is off. */
export interface ColorJitterRanges {
  brightness: [number, number] | null;
  contrast: [number, number] | null;
  saturation: [number, number] | null;
  hue: [number, number] | null;
}

/**
 * Per-sample colour-jitter parameters: `order[4·i … 4·i+3]` is image i's permutation of
 * 0 = brightness, 1 = contrast, 2 = saturation, 3 = hue (torchvision's `fn_idx`), and one factor per
 * image for each enabled adjustment (`null` when disabled).
 */
export interface ColorJitterParams {
  /** Four entries per image: the order in which its adjustments are applied. */
  order: Int32Array;
  /** Per image, 1 = jitter it, 0 = leave it unchanged; omitted = jitter every image. */
  applied?: Uint8Array;
  /** Brightness factor per image, or `null` when brightness is off. */
  brightness: Float64Array | null;
  /** Contrast factor per image, or `null` when contrast is off. */
  contrast: Float64Array | null;
  /** Saturation factor per image, or `null` when saturation is off. */
  saturation: Float64Array | null;
  /** Hue shift per image, or `null` when hue is off. */
  hue: Float64Array | null;
}

function resolve(
  name: string,
  value: number | readonly [number, number] | undefined,
  center: number,
  bound: [number, number],
  clipAtZero: boolean,
): [number, number] | null {
  const op = 'colorJitter';
  if (value === undefined) return null;
  let range: [number, number];
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) argumentError(op, `${name} must be a number ≥ 0 or [lo, hi], but got ${describe(value)}`);
    range = [center - value, center + value];
    if (clipAtZero) range[0] = Math.max(range[0], 0);
    if (name === 'hue' && value > 0.5) argumentError(op, `hue must be in [0, 0.5], but got ${value}`);
  } else {
    if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      argumentError(op, `${name} must be a number ≥ 0 or [lo, hi], but got ${describe(value)}`);
    }
    if (!(bound[0] <= value[0] && value[0] <= value[1] && value[1] <= bound[1])) {
      argumentError(op, `${name} must be [lo, hi] with ${bound[0]} ≤ lo ≤ hi ≤ ${bound[1]}, but got ${describe(value)}`);
    }
    range = [value[0], value[1]];
  }
  return range[0] === center && range[1] === center ? null : range;
}

/**
 * Resolves {@link ColorJitterOptions} to factor ranges exactly as torchvision's
 * `ColorJitter._check_input` (brightness 0.4 → [0.6, 1.4]; hue 0.1 → [−0.1, 0.1]).
 */
export function colorJitterRanges(options: ColorJitterOptions): ColorJitterRanges {
  return {
    brightness: resolve('brightness', options.brightness, 1, [0, Infinity], true),
    contrast: resolve('contrast', options.contrast, 1, [0, Infinity], true),
    saturation: resolve('saturation', options.saturation, 1, [0, Infinity], true),
    hue: resolve('hue', options.hue, 0, [-0.5, 0.5], false),
  };
}

/**
 * Samples colour-jitter parameters for `n` images as torchvision's `ColorJitter.get_params` does per
 * image: first a random order of the four adjustments (`rng.permutation(4)`), then a uniform factor
 * for each enabled one, in the order brightness, contrast, saturation, hue.
 */
export function sampleColorJitterParams(n: number, ranges: ColorJitterRanges, rng: Rng): ColorJitterParams {
  if (!Number.isInteger(n) || n < 0) argumentError('sampleColorJitterParams', `n must be an integer ≥ 0, but got ${n}`);
  const order = new Int32Array(4 * n);
  const make = (r: [number, number] | null) => (r ? new Float64Array(n) : null);
  const params: ColorJitterParams = { order, brightness: make(ranges.brightness), contrast: make(ranges.contrast), saturation: make(ranges.saturation), hue: make(ranges.hue) };
  const keys = ['brightness', 'contrast', 'saturation', 'hue'] as const;
  for (let i = 0; i < n; i++) {
    order.set(rng.permutation(4), 4 * i);
    for (const k of keys) {
      const r = ranges[k];
      const out = params[k];
      if (r && out) out[i] = rng.uniform(r[0], r[1]);
    }
  }
  return params;
}

/**
 * Applies sampled colour-jitter parameters: four stages; at stage k every image gets the adjustment
 * `order[4·i + k]` with its own factor (images whose adjustment at that stage is disabled pass
 * through; images whose `applied` flag is 0 are left unchanged). Batched per group of images
 * sharing an order (at most 24), so the cost is about one full-batch pass of each enabled
 * adjustment plus two gathers. Bit for bit equal to applying the
 * adjustments image by image in each image's order, as torchvision's `ColorJitter` does.
 */
export function applyColorJitter(x: Tensor4D, params: ColorJitterParams): Tensor4D {
  const op = 'applyColorJitter';
  const [n, , , c] = checkImageBatch(op, x);
  checkColorChannels(op, c);
  if (params.order.length !== 4 * n) argumentError(op, `params must be sampled for ${n} images, but order has ${params.order.length / 4}`);
  const badOrder = params.order.findIndex((v) => !(v >= 0 && v <= 3 && Number.isInteger(v)));
  if (badOrder >= 0) argumentError(op, `params.order[${badOrder}] must be 0, 1, 2 or 3, but got ${params.order[badOrder]}`);
  const adjust = [
    [params.brightness, adjustBrightness],
    [params.contrast, adjustContrast],
    [params.saturation, adjustSaturation],
    [params.hue, adjustHue],
  ] as const;
  if (params.applied !== undefined && params.applied.length !== n) {
    argumentError(op, `params.applied must have one flag per image (${n}), but got ${params.applied.length}`);
  }
  for (const [factors] of adjust) {
    if (factors && factors.length !== n) argumentError(op, `params must have one factor per image (${n}), but got ${factors.length}`);
  }
  if (n === 0) return emptyBatch(x.shape[1], x.shape[2], c);
  // Group the images by their sequence of enabled adjustments (at most 24 groups): one gather puts
  // each group in a contiguous block, each block gets its adjustments in its order as one
  // sub-batch, and one gather at the end restores the original order. Images are independent, so
  // this equals the image-by-image loop bit for bit, with two gathers instead of one per stage.
  const groups = new Map<string, { steps: number[]; images: number[] }>();
  for (let i = 0; i < n; i++) {
    const jittered = params.applied === undefined || params.applied[i] === 1;
    const steps = jittered ? Array.from(params.order.subarray(4 * i, 4 * i + 4)).filter((fn) => adjust[fn][0] !== null) : [];
    const key = steps.join();
    const group = groups.get(key) ?? { steps, images: [] };
    group.images.push(i);
    groups.set(key, group);
  }
  const blocks = [...groups.values()];
  if (blocks.every((g) => g.steps.length === 0)) return tf.clone(x);
  const perm = Int32Array.from(blocks.flatMap((g) => g.images));
  const identity = perm.every((v, i) => v === i);
  return tf.tidy(() => {
    const grouped = identity ? x : (tf.gather(x, tf.tensor1d(perm, 'int32'), 0) as Tensor4D);
    const parts = blocks.length === 1 ? [grouped] : (tf.split(grouped, blocks.map((g) => g.images.length), 0) as Tensor4D[]);
    const done = parts.map((part, b) => {
      const { steps, images } = blocks[b];
      return steps.reduce<Tensor4D>((y, fn) => {
        const [factors, adjustFn] = adjust[fn];
        return adjustFn(y, images.map((i) => (factors as Float64Array)[i]));
      }, part);
    });
    const y = done.length === 1 ? done[0] : (tf.concat(done, 0) as Tensor4D);
    if (identity) return y === x ? tf.clone(x) : y;
    const inverse = new Int32Array(n);
    perm.forEach((original, p) => (inverse[original] = p));
    return tf.gather(y, tf.tensor1d(inverse, 'int32'), 0) as Tensor4D;
  });
}

/**
 * Randomly changes brightness, contrast, saturation and hue of each image, in a random order per
 * image, with per-image factors (torchvision `ColorJitter`): parameters from
 * {@link sampleColorJitterParams}, applied by {@link applyColorJitter}. SimCLR's jitter is
 * `colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 })`; the paper's `CJ`
 * (Section 4.2) is described in `parseAugmentation`.
 *
 * On 1-channel images saturation and hue are identities (as torchvision); brightness and contrast apply.
 */
export function colorJitter(options: ColorJitterOptions = {}): Transform {
  const ranges = colorJitterRanges(options);
  const p = options.p ?? 1;
  checkProbability('colorJitter', 'p', p);
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n, , , c] = checkImageBatch('colorJitter', x);
    checkColorChannels('colorJitter', c);
    if (p === 1) return applyColorJitter(x, sampleColorJitterParams(n, ranges, rng));
    // RandomApply's draws: the flags first, then parameters for the chosen images only.
    const applied = sampleBernoulliMask(n, p, rng);
    const chosen = applied.reduce((a, b) => a + b, 0);
    return applyColorJitter(x, spreadParams(sampleColorJitterParams(chosen, ranges, rng), applied));
  };
}

/** Spreads parameters sampled for the chosen images over the whole batch (others unchanged). */
function spreadParams(sub: ColorJitterParams, applied: Uint8Array): ColorJitterParams {
  const n = applied.length;
  const order = new Int32Array(4 * n);
  const spread = (values: Float64Array | null) => (values ? new Float64Array(n) : null);
  const out: ColorJitterParams = { order, applied, brightness: spread(sub.brightness), contrast: spread(sub.contrast), saturation: spread(sub.saturation), hue: spread(sub.hue) };
  const keys = ['brightness', 'contrast', 'saturation', 'hue'] as const;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!applied[i]) {
      order.set([0, 1, 2, 3], 4 * i);
      continue;
    }
    order.set(sub.order.subarray(4 * k, 4 * k + 4), 4 * i);
    for (const key of keys) {
      const from = sub[key];
      const to = out[key];
      if (from && to) to[i] = from[k];
    }
    k++;
  }
  return out;
}
