import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng } from '@bdst/core';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  applyColorJitter,
  colorJitter,
  colorJitterRanges,
  PAPER_COLOR_JITTER,
  randomApply,
  sampleBernoulliMask,
  sampleColorJitterParams,
} from '@bdst/augment';
import { bitsOf } from '../batch-consistency.js';
import { seededBatch } from '../transform-catalog.js';

const SIMCLR = { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 };

it("colorJitterRanges resolves strengths as torchvision's ColorJitter._check_input", () => {
  expect(colorJitterRanges(SIMCLR)).toEqual({ brightness: [0.6, 1.4], contrast: [0.6, 1.4], saturation: [0.6, 1.4], hue: [-0.1, 0.1] });
  expect(colorJitterRanges({ brightness: 1.5 }).brightness).toEqual([0, 2.5]);
  expect(colorJitterRanges({}).brightness).toBeNull();
  expect(colorJitterRanges({ contrast: 0 }).contrast).toBeNull();
  expect(colorJitterRanges(PAPER_COLOR_JITTER)).toEqual({ brightness: [0.4, 0.8], contrast: [0.4, 0.8], saturation: [0.4, 0.8], hue: [0.1, 0.2] });
  expect(() => colorJitter({ hue: 0.6 })).toThrow(/Error in colorJitter: hue must be in \[0, 0.5\], but got 0.6/);
  expect(() => colorJitter({ brightness: -1 })).toThrow(/brightness must be a number ≥ 0 or \[lo, hi\], but got -1/);
  expect(() => colorJitter({ hue: [0.2, 0.7] })).toThrow(/hue must be \[lo, hi\] with -0.5 ≤ lo ≤ hi ≤ 0.5, but got \[0.2,0.7\]/);
  expect(() => colorJitter({ saturation: [0.9, 0.1] })).toThrow(/saturation must be \[lo, hi\] with 0 ≤ lo ≤ hi/);
});

it('sampleColorJitterParams: 1,000 draws fill the jitter ranges, with a uniformly random order per image', () => {
  for (const [options, lo, hi, hueLo, hueHi] of [
    [SIMCLR, 0.6, 1.4, -0.1, 0.1],
    [PAPER_COLOR_JITTER, 0.4, 0.8, 0.1, 0.2],
  ] as const) {
    const p = sampleColorJitterParams(1000, colorJitterRanges(options), createRng('cj'));
    for (const factors of [p.brightness, p.contrast, p.saturation]) {
      const f = Array.from(factors as Float64Array);
      expect(Math.min(...f)).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...f)).toBeLessThan(hi);
      expect(Math.min(...f)).toBeLessThan(lo + 0.02 * (hi - lo) * 5);
      expect(Math.max(...f)).toBeGreaterThan(hi - 0.02 * (hi - lo) * 5);
      expect(Math.abs(f.reduce((a, b) => a + b, 0) / 1000 - (lo + hi) / 2)).toBeLessThan(0.05 * (hi - lo));
    }
    const hue = Array.from(p.hue as Float64Array);
    expect(Math.min(...hue)).toBeGreaterThanOrEqual(hueLo);
    expect(Math.max(...hue)).toBeLessThan(hueHi);
    // Each image's order is a permutation of 0..3; all 24 orders occur, and each adjustment comes
    // first about a quarter of the time.
    const seen = new Map<string, number>();
    const first = [0, 0, 0, 0];
    for (let i = 0; i < 1000; i++) {
      const o = Array.from(p.order.subarray(4 * i, 4 * i + 4));
      expect([...o].sort().join()).toBe('0,1,2,3');
      seen.set(o.join(), (seen.get(o.join()) ?? 0) + 1);
      first[o[0]]++;
    }
    expect(seen.size).toBe(24);
    for (const count of first) expect(Math.abs(count / 1000 - 0.25)).toBeLessThan(0.06);
  }
});

it('sampleColorJitterParams leaves disabled adjustments out', () => {
  const p = sampleColorJitterParams(3, colorJitterRanges({ brightness: 0.5 }), createRng(1));
  expect(p.brightness).toHaveLength(3);
  expect(p.contrast).toBeNull();
  expect(p.saturation).toBeNull();
  expect(p.hue).toBeNull();
});

describeBackends('colorJitter', () => {
  it('applies each image its own adjustments in its own order (equals the kernels image by image)', async () => {
    const x = seededBatch(6);
    const params = sampleColorJitterParams(6, colorJitterRanges(SIMCLR), createRng(9));
    const orders = new Set(Array.from({ length: 6 }, (_, i) => params.order.subarray(4 * i, 4 * i + 4).join()));
    expect(orders.size).toBeGreaterThan(1);
    const batched = await expectNoLeak(() => applyColorJitter(x, params));
    const viaTransform = colorJitter(SIMCLR)(x, createRng(9));
    expect(await bitsOf(viaTransform)).toEqual(await bitsOf(batched));
    const adjust = [adjustBrightness, adjustContrast, adjustSaturation, adjustHue];
    const factors = [params.brightness, params.contrast, params.saturation, params.hue] as Float64Array[];
    const parts = Array.from({ length: 6 }, (_, i) =>
      tf.tidy(() => {
        let img = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]) as Tensor4D;
        for (let k = 0; k < 4; k++) {
          const fn = params.order[4 * i + k];
          img = adjust[fn](img, factors[fn][i]);
        }
        return img;
      }),
    );
    const want = tf.concat(parts, 0);
    expect(await bitsOf(batched)).toEqual(await bitsOf(want));
    tf.dispose([x, batched, viaTransform, want, ...parts]);
  });

  it('the order matters (so a fixed order would be wrong)', async () => {
    const x = seededBatch(1);
    const f = { brightness: Float64Array.of(1.4), contrast: Float64Array.of(0.5), saturation: null, hue: null };
    const a = applyColorJitter(x, { ...f, order: Int32Array.of(0, 1, 2, 3) });
    const b = applyColorJitter(x, { ...f, order: Int32Array.of(1, 0, 2, 3) });
    expect(await bitsOf(a)).not.toEqual(await bitsOf(b));
    tf.dispose([x, a, b]);
  });

  it('p: each image is jittered with probability p, exactly as randomApply(colorJitter(...), p); p = 0 is the identity', async () => {
    const x = seededBatch(8);
    const folded = colorJitter({ ...SIMCLR, p: 0.6 })(x, createRng(21));
    const wrapped = randomApply(colorJitter(SIMCLR), 0.6)(x, createRng(21));
    expect(await bitsOf(folded)).toEqual(await bitsOf(wrapped));
    const flags = sampleBernoulliMask(8, 0.6, createRng(21));
    expect(flags.some((f) => f === 0) && flags.some((f) => f === 1)).toBe(true);
    const y = await folded.data();
    const v = await x.data();
    const per = 12 * 10 * 3;
    for (let i = 0; i < 8; i++) {
      const same = y.subarray(i * per, (i + 1) * per).every((a, k) => a === v[i * per + k]);
      expect(same).toBe(flags[i] === 0);
    }
    const none = colorJitter({ ...SIMCLR, p: 0 })(x, createRng(1));
    expect(await bitsOf(none)).toEqual(await bitsOf(x));
    expect(() => colorJitter({ ...SIMCLR, p: 1.5 })).toThrow(/Error in colorJitter: p must be a probability in \[0, 1\], but got 1.5/);
    tf.dispose([x, folded, wrapped, none]);
  });

  it('no adjustment enabled returns the input unchanged; bad params are rejected', async () => {
    const x = seededBatch(3);
    const y = colorJitter({})(x, createRng(1));
    expect(await bitsOf(y)).toEqual(await bitsOf(x));
    const params = sampleColorJitterParams(2, colorJitterRanges(SIMCLR), createRng(1));
    expect(() => applyColorJitter(x, params)).toThrow(/Error in applyColorJitter: params must be sampled for 3 images, but order has 2/);
    const three = sampleColorJitterParams(3, colorJitterRanges(SIMCLR), createRng(1));
    expect(() => applyColorJitter(x, { ...three, order: three.order.map((v, i) => (i === 5 ? 7 : v)) })).toThrow(/params.order\[5\] must be 0, 1, 2 or 3, but got 7/);
    expect(() => applyColorJitter(x, { ...three, applied: Uint8Array.of(1) })).toThrow(/params.applied must have one flag per image \(3\), but got 1/);
    tf.dispose([x, y]);
  });
});
