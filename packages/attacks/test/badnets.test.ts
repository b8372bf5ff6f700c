import { describe, expect, it } from 'vitest';
import { ImageDataset, createRng, initBackend } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, poisonUnlabeled, triggeredTestSet } from '@bdst/attacks';
import { fashionMnistSample, randomPixelSet, sameBytes } from './fixtures/datasets.js';

const trigger = badnetsTrigger({ kind: 'grayscale' });

/** Indices i where `meta.poisoned[i]` is 1. */
function poisonedIndices(d: ImageDataset): number[] {
  return [...d.meta.poisoned!].flatMap((p, i) => (p ? [i] : []));
}

/** True when image i of a and b differ somewhere outside the bottom-right 5×5 corner. */
function changedOutsideCorner(a: ImageDataset, b: ImageDataset, i: number): boolean {
  const [, h, w, c] = a.shape;
  const x = a.image(i);
  const y = b.image(i);
  for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) for (let ch = 0; ch < c; ch++) {
    const k = (r * w + q) * c + ch;
    if ((r < h - 5 || q < w - 5) && x[k] !== y[k]) return true;
  }
  return false;
}

/** True when image i of `d` holds the grayscale checkerboard in its bottom-right 5×5 corner. */
function hasTrigger(d: ImageDataset, i: number): boolean {
  const [, h, w, c] = d.shape;
  const img = d.image(i);
  for (let r = 0; r < 5; r++) for (let q = 0; q < 5; q++) for (let ch = 0; ch < c; ch++) {
    if (img[((h - 5 + r) * w + (w - 5 + q)) * c + ch] !== ((r + q) % 2 === 0 ? 255 : 0)) return false;
  }
  return true;
}

describe('poisonBadNets (Section 3)', () => {
  it('poisons exactly round(ratio·N) samples from any class, relabels them to the target, leaves the rest and the input alone', () => {
    const clean = randomPixelSet({ n: 500, height: 32, width: 32, channels: 3, seed: 10 });
    const pixelsBefore = clean.images.slice();
    const labelsBefore = clean.labels.slice();
    const poisoned = poisonBadNets(clean, { trigger, targetLabel: 1, ratio: 0.1, rng: createRng(7) });

    expect(sameBytes(clean.images, pixelsBefore)).toBe(true);
    expect(sameBytes(clean.labels, labelsBefore)).toBe(true);
    expect(clean.meta.poisoned).toBeUndefined();

    const chosen = poisonedIndices(poisoned);
    expect(chosen.length).toBe(50);
    expect(new Set(chosen.map((i) => clean.labels[i])).size).toBeGreaterThan(5); // drawn from any class
    expect([...poisoned.meta.originalLabels!]).toEqual([...labelsBefore]);
    for (let i = 0; i < clean.length; i++) {
      if (poisoned.meta.poisoned![i]) {
        expect(poisoned.labels[i]).toBe(1);
        expect(hasTrigger(poisoned, i)).toBe(true);
        expect(changedOutsideCorner(clean, poisoned, i)).toBe(false);
      } else {
        expect(poisoned.labels[i]).toBe(clean.labels[i]);
        expect(sameBytes(poisoned.image(i), clean.image(i))).toBe(true);
      }
    }
  });

  it('on Fashion-MNIST pixels: round(0.1·N) samples get the trigger in the last 5 rows and columns and the target label, nothing else changes', async () => {
    const clean = await fashionMnistSample(300);
    const poisoned = poisonBadNets(clean, { trigger, targetLabel: 1, ratio: 0.1, rng: createRng('real') });
    const chosen = poisonedIndices(poisoned);
    expect(chosen.length).toBe(30);
    for (let i = 0; i < clean.length; i++) {
      if (poisoned.meta.poisoned![i]) {
        expect(poisoned.labels[i]).toBe(1);
        expect(hasTrigger(poisoned, i)).toBe(true);
        expect(changedOutsideCorner(clean, poisoned, i)).toBe(false);
      } else {
        expect(poisoned.labels[i]).toBe(clean.labels[i]);
        expect(sameBytes(poisoned.image(i), clean.image(i))).toBe(true);
      }
    }
  });

  it('rounds ratio·N to the nearest integer (half up) and handles ratio 0 and 1', () => {
    const set = randomPixelSet({ n: 25, height: 8, width: 8, channels: 1, seed: 11 });
    const count = (ratio: number) => poisonedIndices(poisonBadNets(set, { trigger, ratio, rng: createRng(1) })).length;
    expect(count(0.1)).toBe(3); // 2.5 → 3
    expect(count(0.13)).toBe(3); // 3.25 → 3
    expect(count(0)).toBe(0);
    expect(count(1)).toBe(25);
    const all = poisonBadNets(set, { trigger, ratio: 1, rng: createRng(1), targetLabel: 4 });
    expect([...all.labels].every((y) => y === 4)).toBe(true);
  });

  it('same seed, same poisoned set; another seed, another set; every backend alike', async () => {
    const set = randomPixelSet({ n: 300, height: 16, width: 16, channels: 3, seed: 12 });
    const results: ImageDataset[][] = [];
    for (const backend of ['wasm', 'cpu'] as const) {
      await initBackend({ backend, quiet: true });
      results.push([
        poisonBadNets(set, { trigger, ratio: 0.2, rng: createRng(99) }),
        await poisonUnlabeled(set, { trigger, ratio: 0.3, rng: createRng(99) }),
        triggeredTestSet(set, trigger, 1),
      ]);
    }
    for (let k = 0; k < results[0].length; k++) {
      const [a, b] = [results[0][k], results[1][k]];
      expect(sameBytes(b.images, a.images)).toBe(true);
      expect(sameBytes(b.labels, a.labels)).toBe(true);
      expect(sameBytes(b.meta.poisoned!, a.meta.poisoned!)).toBe(true);
    }
    const a = results[0][0];
    const other = poisonBadNets(set, { trigger, ratio: 0.2, rng: createRng(100) });
    expect(sameBytes(other.meta.poisoned!, a.meta.poisoned!)).toBe(false);
  });

  it('poisoning twice keeps the true labels in meta.originalLabels', () => {
    const set = randomPixelSet({ n: 100, height: 8, width: 8, channels: 3, seed: 13 });
    const once = poisonBadNets(set, { trigger, ratio: 0.5, rng: createRng(1), targetLabel: 2 });
    const twice = poisonBadNets(once, { trigger, ratio: 0.5, rng: createRng(2), targetLabel: 3 });
    expect([...twice.meta.originalLabels!]).toEqual([...set.labels]);
    // Everything poisoned the first time stays marked; the second attack adds its own 50.
    for (const i of poisonedIndices(once)) expect(twice.meta.poisoned![i]).toBe(1);
    const relabelledTo3 = [...twice.labels.keys()].filter((i) => twice.labels[i] === 3 && once.labels[i] !== 3);
    for (const i of relabelledTo3) expect(twice.meta.poisoned![i]).toBe(1);
    expect(poisonedIndices(twice).length).toBeGreaterThan(50);
  });

  it('rejects bad input before any work, naming the argument', () => {
    const set = randomPixelSet({ n: 10, height: 32, width: 32, channels: 3, seed: 14 });
    const rng = createRng(0);
    expect(() => poisonBadNets(set, { trigger, ratio: 1.5, rng })).toThrow(/Error in poisonBadNets: ratio must be a number in \[0, 1\], but got 1.5/);
    expect(() => poisonBadNets(set, { trigger, ratio: -0.1, rng })).toThrow(/ratio must be a number in \[0, 1\], but got -0.1/);
    expect(() => poisonBadNets(set, { trigger, ratio: NaN, rng })).toThrow(/ratio must be a number in \[0, 1\], but got NaN/);
    expect(() => poisonBadNets(set, { trigger, ratio: 0.1, rng, targetLabel: 10 })).toThrow(/targetLabel must be an integer in \[0, 10\) \(the dataset's classes\), but got 10/);
    expect(() => poisonBadNets(set, { trigger, ratio: 0.1, rng, targetLabel: -1 })).toThrow(/targetLabel must be an integer in \[0, 10\)/);
    expect(() => poisonBadNets(set, { trigger: badnetsTrigger({ size: 33 }), ratio: 0.1, rng })).toThrow(/Error in poisonBadNets: trigger of 33×33 pixels at bottom-right does not fit inside a 32×32 image/);
    expect(() => poisonBadNets(set, { trigger, ratio: 0.1 } as never)).toThrow(/rng must be an Rng/);
    expect(() => poisonBadNets({} as never, { trigger, ratio: 0.1, rng })).toThrow(/dataset must be an ImageDataset/);
  });
});

describe('poisonUnlabeled, BadNets form (γ(D_U), Table 2)', () => {
  it('stamps round(ratio·N) samples and keeps every label', async () => {
    const unlabeled = randomPixelSet({ n: 400, height: 32, width: 32, channels: 3, seed: 15 });
    const poisoned = await poisonUnlabeled(unlabeled, { trigger, ratio: 0.01, rng: createRng(3) });
    const chosen = poisonedIndices(poisoned);
    expect(chosen.length).toBe(4);
    expect(sameBytes(poisoned.labels, unlabeled.labels)).toBe(true);
    for (const i of chosen) {
      expect(hasTrigger(poisoned, i)).toBe(true);
      expect(changedOutsideCorner(unlabeled, poisoned, i)).toBe(false);
    }
    const again = await poisonUnlabeled(unlabeled, { trigger, ratio: 0.01, rng: createRng(3) });
    expect(sameBytes(again.images, poisoned.images)).toBe(true);
    await expect(poisonUnlabeled(unlabeled, { trigger, ratio: 2, rng: createRng(3) })).rejects.toThrow(/Error in poisonUnlabeled: ratio must be a number in \[0, 1\], but got 2/);
    await expect(poisonUnlabeled(unlabeled, { trigger: badnetsTrigger({ size: 40 }), ratio: 0.1, rng: createRng(3) })).rejects.toThrow(/Error in poisonUnlabeled: trigger of 40×40 pixels at bottom-right does not fit inside a 32×32 image/);
  });
});

describe('triggeredTestSet (the ASR set, Section 3)', () => {
  it('stamps every non-target image, leaves the target class out, keeps the true labels', () => {
    const test = randomPixelSet({ n: 200, height: 28, width: 28, channels: 1, seed: 16 });
    const triggered = triggeredTestSet(test, trigger, 1);
    const nonTarget = [...test.labels.keys()].filter((i) => test.labels[i] !== 1);
    expect(triggered.length).toBe(nonTarget.length);
    expect(triggered.length).toBe(180);
    expect([...triggered.labels]).toEqual(nonTarget.map((i) => test.labels[i]));
    expect([...triggered.labels].includes(1)).toBe(false);
    const source = test.subset(nonTarget);
    for (let j = 0; j < triggered.length; j++) {
      expect(hasTrigger(triggered, j)).toBe(true);
      expect(changedOutsideCorner(source, triggered, j)).toBe(false);
    }
    expect([...triggered.meta.poisoned!].every((p) => p === 1)).toBe(true);
    expect(() => triggeredTestSet(test, trigger, 10)).toThrow(/Error in triggeredTestSet: targetLabel must be an integer in \[0, 10\)/);
    expect(() => triggeredTestSet(test, badnetsTrigger({ size: 29 }), 1)).toThrow(/Error in triggeredTestSet: trigger of 29×29 pixels at bottom-right does not fit inside a 28×28 image/);
  });

  it('uses meta.originalLabels as the truth on a poisoned set', () => {
    const test = randomPixelSet({ n: 50, height: 8, width: 8, channels: 3, seed: 17 });
    const poisoned = poisonBadNets(test, { trigger, ratio: 0.5, rng: createRng(5) });
    const triggered = triggeredTestSet(poisoned, trigger, 1);
    expect(triggered.length).toBe(45);
    expect([...triggered.labels].includes(1)).toBe(false);
  });
});
