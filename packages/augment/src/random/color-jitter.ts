import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { argumentError, checkColorChannels, checkImageBatch, describe } from '../argument-checks.js';
import { emptyBatch } from '../empty-batch.js';
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
  brightness?: number | readonly [number, number];
  contrast?: number | readonly [number, number];
  saturation?: number | readonly [number, number];
  hue?: number | readonly [number, number];
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
  order: Int32Array;
  brightness: Float64Array | null;
  contrast: Float64Array | null;
  saturation: Float64Array | null;
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
 * through). Batched per (stage, adjustment) group, so the cost is about one full-batch pass of each
 * enabled adjustment plus a gather and a concat per stage. Bit for bit equal to applying the
 * adjustments image by image in each image's order, as torchvision's `ColorJitter` does.
 */
export function applyColorJitter(x: Tensor4D, params: ColorJitterParams): Tensor4D {
  const op = 'applyColorJitter';
  const [n, , , c] = checkImageBatch(op, x);
  checkColorChannels(op, c);
  if (params.order.length !== 4 * n) argumentError(op, `params must be sampled for ${n} images, but order has ${params.order.length / 4}`);
  const adjust = [
    [params.brightness, adjustBrightness],
    [params.contrast, adjustContrast],
    [params.saturation, adjustSaturation],
    [params.hue, adjustHue],
  ] as const;
  for (const [factors] of adjust) {
    if (factors && factors.length !== n) argumentError(op, `params must have one factor per image (${n}), but got ${factors.length}`);
  }
  if (n === 0) return emptyBatch(x.shape[1], x.shape[2], c);
  return tf.tidy(() => {
    // The batch is kept grouped by the adjustment each image gets at the current stage: `perm[p]`
    // is the original index of the image at position p. Each stage gathers its (up to five)
    // groups, adjusts each as one sub-batch and concatenates them; one gather at the end restores
    // the original order. Images are independent, so this equals the image-by-image loop.
    let y = x;
    let perm = Int32Array.from({ length: n }, (_, i) => i);
    for (let stage = 0; stage < 4; stage++) {
      const groups: number[][] = [[], [], [], [], []]; // 0–3: the adjustment; 4: disabled (identity)
      for (let p = 0; p < n; p++) {
        const fn = params.order[4 * perm[p] + stage];
        groups[adjust[fn][0] ? fn : 4].push(p);
      }
      if (groups[4].length === n) continue;
      const parts: Tensor4D[] = [];
      const next: number[] = [];
      groups.forEach((positions, fn) => {
        if (positions.length === 0) return;
        const sub = positions.length === n ? y : (tf.gather(y, tf.tensor1d(positions, 'int32'), 0) as Tensor4D);
        if (fn === 4) parts.push(sub);
        else {
          const [factors, adjustFn] = adjust[fn];
          parts.push(adjustFn(sub, positions.map((p) => (factors as Float64Array)[perm[p]])));
        }
        for (const p of positions) next.push(perm[p]);
      });
      y = parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as Tensor4D);
      perm = Int32Array.from(next);
    }
    if (y === x) return tf.clone(x);
    if (perm.every((v, i) => v === i)) return y;
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
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n, , , c] = checkImageBatch('colorJitter', x);
    checkColorChannels('colorJitter', c);
    return applyColorJitter(x, sampleColorJitterParams(n, ranges, rng));
  };
}
