import { describe, expect, it } from 'vitest';
import { SYNTHETIC_CLASSES, syntheticDataset } from '@bdst/core';

describe('syntheticDataset', () => {
  it('is deterministic by seed, and different seeds give different images', () => {
    const a = syntheticDataset({ size: 50, seed: 7 });
    const b = syntheticDataset({ size: 50, seed: 7 });
    const c = syntheticDataset({ size: 50, seed: 8 });
    expect(Buffer.compare(Buffer.from(a.images), Buffer.from(b.images))).toBe(0);
    expect([...a.labels]).toEqual([...b.labels]);
    expect(Buffer.compare(Buffer.from(a.images), Buffer.from(c.images))).not.toBe(0);
    expect(a.shape).toEqual([50, 32, 32, 3]);
    expect(a.name).toBe('synthetic-7');
  });

  it('balances the classes (counts differ by at most one) and honours size, channels and numClasses', () => {
    const d = syntheticDataset({ size: 103, seed: 1, height: 20, width: 24, channels: 1, numClasses: 7 });
    expect(d.shape).toEqual([103, 20, 24, 1]);
    expect(d.numClasses).toBe(7);
    const counts = [...d.classCounts()];
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(103);
    expect(syntheticDataset({ size: 0, seed: 1 }).length).toBe(0);
    expect(SYNTHETIC_CLASSES.length).toBe(10);
  });

  it('draws images whose pixels use the full range and differ between images of one class', () => {
    const d = syntheticDataset({ size: 40, seed: 3 });
    let min = 255;
    let max = 0;
    for (const v of d.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBeLessThan(20);
    expect(max).toBeGreaterThan(235);
    const ofClass0 = [...d.labels.keys()].filter((i) => d.labels[i] === 0);
    expect(Buffer.compare(Buffer.from(d.image(ofClass0[0])), Buffer.from(d.image(ofClass0[1])))).not.toBe(0);
  });

  it('keeps the bottom-right trigger corner free of shapes: only the smooth background shows there', () => {
    // Without noise the background is a colour plus a linear brightness gradient (≤ 35/32 per
    // pixel), so across the 6×6 corner every step right (or down) is the same up to rounding. A
    // shape edge would jump by tens of levels (foreground and background differ by ≥ 120).
    const d = syntheticDataset({ size: 400, seed: 5, noise: 0 });
    const corner = 6;
    let checked = 0;
    for (let i = 0; i < d.length; i++) {
      const img = d.image(i);
      for (let c = 0; c < 3; c++) {
        const v = (y: number, x: number) => img[(y * 32 + x) * 3 + c];
        let clamped = false;
        const dx: number[] = [];
        const dy: number[] = [];
        for (let y = 32 - corner; y < 32; y++) {
          for (let x = 32 - corner; x < 32; x++) {
            if (v(y, x) === 0 || v(y, x) === 255) clamped = true;
            if (x > 32 - corner) dx.push(v(y, x) - v(y, x - 1));
            if (y > 32 - corner) dy.push(v(y, x) - v(y - 1, x));
          }
        }
        if (clamped) continue;
        checked++;
        expect(Math.max(...dx) - Math.min(...dx), `image ${i} channel ${c}`).toBeLessThanOrEqual(3);
        expect(Math.max(...dy) - Math.min(...dy), `image ${i} channel ${c}`).toBeLessThanOrEqual(3);
      }
    }
    expect(checked).toBeGreaterThan(600);
  });

  it('names the bad option', () => {
    expect(() => syntheticDataset({ size: -1, seed: 1 })).toThrow(/syntheticDataset: size must be a non-negative integer, got -1/);
    expect(() => syntheticDataset({ size: 1, seed: Number.NaN })).toThrow(/syntheticDataset: seed must be a finite number or a string/);
    expect(() => syntheticDataset({ size: 1, seed: 1, height: 8 })).toThrow(/syntheticDataset: height must be an integer ≥ 16, got 8/);
    expect(() => syntheticDataset({ size: 1, seed: 1, channels: 2 })).toThrow(/syntheticDataset: channels must be 1 or 3, got 2/);
    expect(() => syntheticDataset({ size: 1, seed: 1, numClasses: 11 })).toThrow(/syntheticDataset: numClasses must be an integer in \[1, 10\], got 11/);
    expect(() => syntheticDataset({ size: 1, seed: 1, noise: 300 })).toThrow(/syntheticDataset: noise must be in \[0, 255\]/);
  });
});
