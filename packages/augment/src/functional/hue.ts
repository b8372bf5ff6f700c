import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { checkColorChannels, checkImageBatch, perSampleNumbers } from '../argument-checks.js';
import { mergeChannels, splitChannels } from './channel-planes.js';
import { emptyBatch } from '../empty-batch.js';

/** `x − floor(x)`: Python's `x % 1.0` for floats (exact in float32). */
function fractionalPart(x: tf.Tensor): tf.Tensor {
  return tf.sub(x, tf.floor(x));
}

/**
 * RGB → HSV exactly as torchvision's `_rgb2hsv` (Pillow's algorithm), all channels in [0, 1]:
 * hue is 0 where max = min. Returns `[h, s, v]`, each `[N, H, W, 1]`. Caller owns the tidy scope.
 */
function rgbToHsv(x: Tensor4D): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const [r, g, b] = splitChannels(x);
  const maxc = tf.maximum(tf.maximum(r, g), b);
  const minc = tf.minimum(tf.minimum(r, g), b);
  const eqc = tf.equal(maxc, minc);
  const cr = tf.sub(maxc, minc);
  const ones = tf.onesLike(maxc);
  const s = tf.div(cr, tf.where(eqc, ones, maxc));
  const crDivisor = tf.where(eqc, ones, cr);
  const rc = tf.div(tf.sub(maxc, r), crDivisor);
  const gc = tf.div(tf.sub(maxc, g), crDivisor);
  const bc = tf.div(tf.sub(maxc, b), crDivisor);
  const hr = tf.sub(bc, gc);
  const hg = tf.sub(tf.add(2, rc), bc);
  const hb = tf.sub(tf.add(4, gc), rc);
  // torchvision adds three masked terms of which exactly one is non-zero; selecting it is the same.
  const h = tf.where(tf.equal(maxc, r), hr, tf.where(tf.equal(maxc, g), hg, hb));
  return [fractionalPart(tf.add(tf.div(h, 6), 1)), s, maxc];
}

/** HSV → RGB exactly as torchvision's `_hsv2rgb`. Caller owns the tidy scope. */
function hsvToRgb(h: tf.Tensor, s: tf.Tensor, v: tf.Tensor): Tensor4D {
  const h6 = tf.mul(h, 6);
  const i = tf.floor(h6);
  const f = tf.sub(h6, i);
  const p = tf.clipByValue(tf.mul(v, tf.sub(1, s)), 0, 1);
  const q = tf.clipByValue(tf.mul(v, tf.sub(1, tf.mul(s, f))), 0, 1);
  const t = tf.clipByValue(tf.mul(v, tf.sub(1, tf.mul(s, tf.sub(1, f)))), 0, 1);
  // i is in 0..6 (h ≤ 1); torchvision takes i % 6, so sector 6 is sector 0.
  const sector = [tf.logicalOr(tf.equal(i, 0), tf.equal(i, 6)), tf.equal(i, 1), tf.equal(i, 2), tf.equal(i, 3), tf.equal(i, 4)];
  const select = (values: tf.Tensor[]): tf.Tensor => {
    let out = values[5];
    for (let k = 4; k >= 0; k--) out = tf.where(sector[k], values[k], out);
    return out;
  };
  const r = select([v, q, p, p, t, v]);
  const g = select([t, v, v, q, p, p]);
  const b = select([p, p, t, v, v, q]);
  return mergeChannels([r, g, b]);
}

/**
 * Shifts hue (torchvision `F.adjust_hue`): converts to HSV, adds `f` to the hue modulo 1, converts
 * back (torchvision's `_rgb2hsv` / `_hsv2rgb` arithmetic). Factor 0 is (up to float rounding) the
 * original; ±0.5 gives the complementary hues. Part of colour jitter.
 *
 * A 1-channel image has no hue: it is returned unchanged (a copy), as torchvision does.
 *
 * @param x NHWC float32 batch with 1 or 3 channels, values in [0, 1].
 * @param factors one hue shift in [−0.5, 0.5] for the whole batch, or one per sample.
 */
export function adjustHue(x: Tensor4D, factors: number | ArrayLike<number>): Tensor4D {
  const [n, h, w, c] = checkImageBatch('adjustHue', x);
  checkColorChannels('adjustHue', c);
  const f = perSampleNumbers('adjustHue', 'factors', factors, n, (v) => v >= -0.5 && v <= 0.5, 'in [-0.5, 0.5]');
  if (n === 0) return emptyBatch(h, w, c);
  if (c === 1) return tf.clone(x);
  return tf.tidy(() => {
    const [h, s, v] = rgbToHsv(x);
    const shifted = fractionalPart(tf.add(h, tf.tensor4d(Float32Array.from(f), [n, 1, 1, 1])));
    return hsvToRgb(shifted, s, v);
  });
}
