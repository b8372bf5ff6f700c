import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ImageDataset } from '@bdst/core';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { applyTrigger, badnetsTrigger, RGB_TRIGGER_PALETTE, triggerPlacement } from '@bdst/attacks';
import type { Trigger } from '@bdst/attacks';
import { fashionMnistSample, randomPixelSet } from './fixtures/datasets.js';

/** Every (image, row, col, channel) whose byte differs between two sets of the same shape. */
function changedPixels(a: ImageDataset, b: ImageDataset): Set<string> {
  const [n, h, w, c] = a.shape;
  const out = new Set<string>();
  for (let i = 0; i < n; i++)
    for (let r = 0; r < h; r++)
      for (let q = 0; q < w; q++)
        for (let ch = 0; ch < c; ch++) {
          const k = ((i * h + r) * w + q) * c + ch;
          if (a.images[k] !== b.images[k]) out.add(`${i},${r},${q}`);
        }
  return out;
}

/** Checks that every image of `stamped` holds the trigger at (top, left) and equals `clean` elsewhere. */
function expectStampedAt(clean: ImageDataset, stamped: ImageDataset, trigger: Trigger, top: number, left: number): void {
  const [n, h, w, c] = clean.shape;
  const wrong: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < h; r++) {
      for (let q = 0; q < w; q++) {
        const inside = r >= top && r < top + trigger.height && q >= left && q < left + trigger.width;
        for (let ch = 0; ch < c; ch++) {
          const k = ((i * h + r) * w + q) * c + ch;
          const p = (r - top) * trigger.width + (q - left);
          const expected = !inside ? clean.images[k] : trigger.channels === c ? trigger.pattern[p * c + ch] : trigger.pattern[p];
          if (stamped.images[k] !== expected && wrong.length < 5) wrong.push(`image ${i} (${r}, ${q}, ${ch}): ${stamped.images[k]} ≠ ${expected}`);
        }
      }
    }
  }
  expect(wrong).toEqual([]);
}

describe('badnetsTrigger', () => {
  it('grayscale: a 5×5 black/white checkerboard, fully masked, bottom-right by default', () => {
    const t = badnetsTrigger({ kind: 'grayscale' });
    expect([t.height, t.width, t.channels, t.position]).toEqual([5, 5, 1, 'bottom-right']);
    for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) expect(t.pattern[r * 5 + c]).toBe((r + c) % 2 === 0 ? 255 : 0);
    expect([...t.mask].every((m) => m === 1)).toBe(true);
    // A checkerboard: every horizontal and vertical neighbour differs.
    for (let r = 0; r < 5; r++) for (let c = 0; c < 4; c++) expect(t.pattern[r * 5 + c]).not.toBe(t.pattern[r * 5 + c + 1]);
  });

  it('rgb: a fixed coloured mosaic from the documented palette, neighbours differ', () => {
    const t = badnetsTrigger({ kind: 'rgb', size: 5 });
    expect(t.channels).toBe(3);
    expect(t.pattern.length).toBe(75);
    for (let p = 0; p < 25; p++) expect([...t.pattern.subarray(p * 3, p * 3 + 3)]).toEqual([...RGB_TRIGGER_PALETTE[p % 7]]);
    const colours = new Set(Array.from({ length: 25 }, (_, p) => t.pattern.subarray(p * 3, p * 3 + 3).join(',')));
    expect(colours.size).toBe(7);
    expect(badnetsTrigger({ kind: 'rgb' }).pattern).toEqual(t.pattern); // deterministic
  });

  it('rejects bad options with a message naming the argument', () => {
    expect(() => badnetsTrigger({ kind: 'blue' as never })).toThrow(/Error in badnetsTrigger: kind must be 'grayscale' or 'rgb', but got "blue"/);
    expect(() => badnetsTrigger({ size: 0 })).toThrow(/size must be a positive integer, but got 0/);
    expect(() => badnetsTrigger({ size: 2.5 })).toThrow(/size must be a positive integer/);
    expect(() => badnetsTrigger({ position: 'middle' as never })).toThrow(/position must be one of bottom-right, bottom-left, top-right, top-left or \{ top, left \}/);
    expect(() => badnetsTrigger({ position: { top: -1, left: 0 } })).toThrow(/non-negative integers/);
  });

  it('places at the four corners and at explicit coordinates, and refuses what does not fit', () => {
    const at = (position: NonNullable<Parameters<typeof badnetsTrigger>[0]>['position'], size = 5) => triggerPlacement(badnetsTrigger({ size, position }), 28, 32);
    expect(at('bottom-right')).toEqual({ top: 23, left: 27 });
    expect(at('bottom-left')).toEqual({ top: 23, left: 0 });
    expect(at('top-right')).toEqual({ top: 0, left: 27 });
    expect(at('top-left')).toEqual({ top: 0, left: 0 });
    expect(at({ top: 3, left: 7 })).toEqual({ top: 3, left: 7 });
    expect(() => at('bottom-right', 29)).toThrow(/trigger of 29×29 pixels at bottom-right does not fit inside a 28×32 image/);
    expect(() => at({ top: 24, left: 0 })).toThrow(/at top 24, left 0 does not fit inside a 28×32 image/);
  });
});

describe('applyTrigger on an ImageDataset (uint8, exact)', () => {
  it('bottom-right: exactly the last 5 rows and columns change, on real-looking RGB pixels', () => {
    const clean = randomPixelSet({ n: 40, height: 32, width: 32, channels: 3, seed: 1 });
    const before = clean.images.slice();
    const trigger = badnetsTrigger({ kind: 'grayscale' });
    const stamped = applyTrigger(clean, trigger);
    expect(stamped).not.toBe(clean);
    expect(clean.images).toEqual(before); // input untouched
    expectStampedAt(clean, stamped, trigger, 27, 27);
    // The changed pixels all lie in rows 27–31 and columns 27–31.
    for (const key of changedPixels(clean, stamped)) {
      const [, r, q] = key.split(',').map(Number);
      expect(r >= 27 && q >= 27).toBe(true);
    }
    expect([...stamped.labels]).toEqual([...clean.labels]);
    expect([...stamped.meta.poisoned!]).toEqual(new Array(40).fill(1));
    expect([...stamped.meta.originalLabels!]).toEqual([...clean.labels]);
  });

  it('grayscale trigger on RGB writes the same value in all three channels; RGB on gray writes the luminance', () => {
    const rgbImages = randomPixelSet({ n: 3, height: 8, width: 8, channels: 3, seed: 2 });
    const gray = applyTrigger(rgbImages, badnetsTrigger({ kind: 'grayscale', position: 'top-left' }));
    for (let r = 0; r < 5; r++) for (let q = 0; q < 5; q++) {
      const k = (r * 8 + q) * 3;
      const v = (r + q) % 2 === 0 ? 255 : 0;
      expect([gray.images[k], gray.images[k + 1], gray.images[k + 2]]).toEqual([v, v, v]);
    }
    const grayImages = randomPixelSet({ n: 2, height: 8, width: 8, channels: 1, seed: 3 });
    const rgb = badnetsTrigger({ kind: 'rgb', position: 'top-left' });
    const stamped = applyTrigger(grayImages, rgb);
    const luminance = [76, 150, 29, 226, 105, 179, 255]; // round(0.2989 R + 0.587 G + 0.114 B) of the palette
    for (let r = 0; r < 5; r++) for (let q = 0; q < 5; q++) expect(stamped.images[64 + r * 8 + q]).toBe(luminance[(r * 5 + q) % 7]);
    expectStampedAt(grayImages, stamped, { ...rgb, channels: 1, pattern: Uint8Array.from({ length: 25 }, (_, p) => luminance[p % 7]) }, 0, 0);
  });

  it('every corner on Fashion-MNIST pixels (28×28×1), or synthetic pixels when it cannot be had', async () => {
    const clean = await fashionMnistSample(64);
    expect(clean.shape.slice(1)).toEqual([28, 28, 1]);
    for (const [position, top, left] of [['bottom-right', 23, 23], ['bottom-left', 23, 0], ['top-right', 0, 23], ['top-left', 0, 0]] as const) {
      const trigger = badnetsTrigger({ position });
      expectStampedAt(clean, applyTrigger(clean, trigger), trigger, top, left);
    }
  });

  it('refuses a trigger larger than the image', () => {
    const small = randomPixelSet({ n: 2, height: 4, width: 4, channels: 3, seed: 4 });
    expect(() => applyTrigger(small, badnetsTrigger())).toThrow(/Error in applyTrigger: trigger of 5×5 pixels at bottom-right does not fit inside a 4×4 image/);
  });
});

describeBackends('applyTrigger on a Tensor4D', () => {
  it('equals the uint8 path divided by 255, exactly; the input is kept and nothing leaks', async () => {
    for (const kind of ['grayscale', 'rgb'] as const) {
      for (const channels of [1, 3] as const) {
        const clean = randomPixelSet({ n: 6, height: 12, width: 10, channels, seed: 5 });
        const trigger = badnetsTrigger({ kind, position: { top: 2, left: 4 } });
        const x = clean.toTensor();
        const stamped = await expectNoLeak(() => applyTrigger(x, trigger));
        const expected = applyTrigger(clean, trigger).toTensor();
        expect(stamped.shape).toEqual(x.shape);
        expect(Array.from(stamped.dataSync())).toEqual(Array.from(expected.dataSync()));
        expect(x.isDisposed).toBe(false);
        tf.dispose([x, stamped, expected]);
      }
    }
  });

  it('validates its input', () => {
    const trigger = badnetsTrigger();
    const rank3 = tf.zeros([32, 32, 3]);
    expect(() => applyTrigger(rank3 as never, trigger)).toThrow(/Error in applyTrigger: images must be rank 4 \(NHWC\), but got rank 3/);
    const tiny = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    expect(() => applyTrigger(tiny, trigger)).toThrow(/does not fit inside a 4×4 image/);
    const twoChannels = tf.zeros([1, 8, 8, 2]) as tf.Tensor4D;
    expect(() => applyTrigger(twoChannels, trigger)).toThrow(/images must have 1 or 3 channels, but got 2/);
    expect(() => applyTrigger([1, 2] as never, trigger)).toThrow(/images must be an ImageDataset or a Tensor4D, but got Array/);
    tf.dispose([rank3, tiny, twoChannels]);
  });
});
