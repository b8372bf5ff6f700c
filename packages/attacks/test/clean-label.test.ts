import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ImageDataset, createRng, initBackend, smallCnn } from '@bdst/core';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { badnetsTrigger, pgdAttack, poisonBadNets, poisonCleanLabel, poisonUnlabeled, trainCleanModel } from '@bdst/attacks';
import { fashionMnistSample, randomPixelSet, sameBytes } from './fixtures/datasets.js';

const trigger = badnetsTrigger({ kind: 'grayscale' });
const H = 16;
/** A small untrained CNN (PGD needs only gradients, not a good model, to raise the loss). */
const model = () => smallCnn({ inputShape: [H, H, 3], numClasses: 10, widths: [4, 8, 8], rng: createRng(1) });

/** Mean cross-entropy of `m` on images x with labels y. */
function loss(m: ReturnType<typeof model>, x: tf.Tensor4D, y: Int32Array): number {
  return tf.tidy(() => {
    const logits = m.apply(x, { training: false }) as tf.Tensor2D;
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(y, 'int32'), 10), logits).dataSync()[0];
  });
}

/** True when byte k of an H×H×C image lies in the bottom-right 5×5 corner. */
function inCorner(k: number, c: number): boolean {
  const pixel = Math.floor(k / c);
  return Math.floor(pixel / H) >= H - 5 && pixel % H >= H - 5;
}

describeBackends('pgdAttack (Section 5.1: 10-step PGD, ε = 8/255, α = 2/255)', () => {
  it('stays in the ε-ball and in [0, 1], raises the loss, leaves nothing behind', async () => {
    const m = model();
    const set = randomPixelSet({ n: 12, height: H, width: H, channels: 3, seed: 20 });
    const x = set.toTensor();
    const adversarial = await expectNoLeak(() => pgdAttack(m, x, { labels: set.labels, rng: createRng(2) }));
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(adversarial, x))).dataSync()[0]);
    expect(diff).toBeLessThanOrEqual(8 / 255 + 1e-6);
    expect(diff).toBeGreaterThan(4 / 255);
    const [lo, hi] = tf.tidy(() => [tf.min(adversarial).dataSync()[0], tf.max(adversarial).dataSync()[0]]);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(loss(m, adversarial, set.labels)).toBeGreaterThan(loss(m, x, set.labels));
    expect(x.isDisposed).toBe(false);
    tf.dispose([x, adversarial]);
    m.dispose();
  });

  it('with ε = 0 returns the input; validates its arguments', async () => {
    const m = model();
    const set = randomPixelSet({ n: 3, height: H, width: H, channels: 3, seed: 21 });
    const x = set.toTensor();
    const same = await expectNoLeak(() => pgdAttack(m, x, { labels: set.labels, eps: 0, steps: 2, rng: createRng(1) }));
    expect(Array.from(same.dataSync())).toEqual(Array.from(x.dataSync()));
    const rng = createRng(0);
    expect(() => pgdAttack(m, x, { labels: set.labels, eps: 2, rng })).toThrow(/Error in pgdAttack: eps must be a number in \[0, 1\] \(e.g. 8\/255\), but got 2/);
    expect(() => pgdAttack(m, x, { labels: set.labels, steps: 1.5, rng })).toThrow(/steps must be a non-negative integer, but got 1.5/);
    expect(() => pgdAttack(m, x, { labels: Int32Array.of(1, 2), rng })).toThrow(/labels must be an Int32Array of length 3/);
    expect(() => pgdAttack(m, x, { labels: Int32Array.of(1, 2, 10), rng })).toThrow(/labels\[2\] = 10 is outside the model's classes \[0, 10\)/);
    tf.dispose([x, same]);
    m.dispose();
  });
});

describeBackends('poisonCleanLabel (Turner et al., Section 5.1)', () => {
  it('poisons round(ratio·count(target)) target-class images only, keeps labels, stays within ε outside the trigger', async () => {
    const m = model();
    const set = randomPixelSet({ n: 100, height: H, width: H, channels: 3, seed: 22 });
    const before = set.images.slice();
    const poisoned = await expectNoLeak(() => poisonCleanLabel(set, { model: m, trigger, targetLabel: 1, ratio: 0.5, rng: createRng(4), batchSize: 4 }));
    expect(sameBytes(set.images, before)).toBe(true);
    expect(sameBytes(poisoned.labels, set.labels)).toBe(true);
    const chosen = [...poisoned.meta.poisoned!].flatMap((p, i) => (p ? [i] : []));
    expect(chosen.length).toBe(5); // 10 images of class 1, ratio 0.5
    for (const i of chosen) expect(set.labels[i]).toBe(1);
    const c = 3;
    let perturbed = 0;
    for (let i = 0; i < set.length; i++) {
      const a = set.image(i);
      const b = poisoned.image(i);
      if (!poisoned.meta.poisoned![i]) {
        expect(sameBytes(a, b)).toBe(true);
        continue;
      }
      let maxOutside = 0;
      for (let k = 0; k < a.length; k++) {
        if (inCorner(k, c)) continue;
        const d = Math.abs(a[k] - b[k]);
        maxOutside = Math.max(maxOutside, d);
        if (d > 0) perturbed++;
      }
      // Rounding back to uint8 is clamped to the ball: at most 8 grey levels (ε = 8/255), exactly.
      expect(maxOutside).toBeLessThanOrEqual(8);
      expect(maxOutside).toBeGreaterThanOrEqual(6);
      const corner = b.subarray(((H - 5) * H + (H - 5)) * c, ((H - 5) * H + (H - 5)) * c + 3);
      expect([...corner]).toEqual([255, 255, 255]); // the checkerboard's first (white) pixel
    }
    expect(perturbed).toBeGreaterThan(chosen.length * (H * H - 25) * c * 0.5);
    m.dispose();
  });

  it('the same seed gives the same poisoned set', async () => {
    const m = model();
    const set = randomPixelSet({ n: 40, height: H, width: H, channels: 3, seed: 23 });
    const a = await poisonCleanLabel(set, { model: m, trigger, ratio: 1, rng: createRng(5) });
    const b = await poisonCleanLabel(set, { model: m, trigger, ratio: 1, rng: createRng(5) });
    expect(sameBytes(a.images, b.images)).toBe(true);
    m.dispose();
  });

  it('rejects bad input, a set without the target class included', async () => {
    const m = model();
    const set = randomPixelSet({ n: 20, height: H, width: H, channels: 3, seed: 24, numClasses: 10 });
    const noTarget = new ImageDataset({ images: set.images, shape: set.shape, labels: set.labels.map((y) => (y === 1 ? 0 : y)), numClasses: 10 });
    const rng = createRng(0);
    await expect(poisonCleanLabel(noTarget, { model: m, trigger, ratio: 0.5, rng })).rejects.toThrow(/Error in poisonCleanLabel: the dataset has no image of targetLabel 1/);
    await expect(poisonCleanLabel(set, { model: m, trigger, ratio: 1.2, rng })).rejects.toThrow(/Error in poisonCleanLabel: ratio must be a number in \[0, 1\], but got 1.2/);
    await expect(poisonCleanLabel(set, { model: m, trigger, ratio: 0.5, rng, targetLabel: 12 })).rejects.toThrow(/targetLabel must be an integer in \[0, 10\)/);
    await expect(poisonCleanLabel(set, { model: m, trigger: badnetsTrigger({ size: 17 }), ratio: 0.5, rng })).rejects.toThrow(/does not fit inside a 16×16 image/);
    await expect(poisonCleanLabel(set, { model: m, trigger, ratio: 0.5, rng, eps: -1 })).rejects.toThrow(/eps must be a number in \[0, 1\]/);
    await expect(poisonCleanLabel(set, { trigger, ratio: 0.5, rng } as never)).rejects.toThrow(/model must be a clean-trained tf.LayersModel/);
    const wrongShape = randomPixelSet({ n: 20, height: 20, width: 20, channels: 3, seed: 25 });
    await expect(poisonCleanLabel(wrongShape, { model: m, trigger, ratio: 0.5, rng })).rejects.toThrow(/model expects images 16×16×3 but the dataset has 20×20×3/);
    await expect(poisonUnlabeled(noTarget, { trigger, ratio: 0.5, rng, cleanLabel: { model: m } })).rejects.toThrow(/Error in poisonUnlabeled: the dataset has no image of targetLabel 1/);
    m.dispose();
  });
});

describe('trainCleanModel (the attacker\'s clean classifier)', () => {
  it('refuses a poisoned set and bad options before training', async () => {
    const set = randomPixelSet({ n: 40, height: H, width: H, channels: 3, seed: 28 });
    const poisoned = poisonBadNets(set, { trigger, ratio: 0.1, rng: createRng(1) });
    await expect(trainCleanModel(poisoned, { rng: createRng(2), epochs: 1 })).rejects.toThrow(/Error in trainCleanModel: dataset has 4 poisoned samples \(meta.poisoned\); the clean-label attack's model must be trained on clean data/);
    await expect(trainCleanModel({} as never, { rng: createRng(2) })).rejects.toThrow(/Error in trainCleanModel: dataset must be an ImageDataset/);
    await expect(trainCleanModel(set, undefined as never)).rejects.toThrow(/Error in trainCleanModel: options must be an object/);
  });
});

describe('poisonCleanLabel on Fashion-MNIST pixels', () => {
  it('perturbs only target-class images, within ε = 8/255 outside the trigger, keeping their labels', async () => {
    await initBackend({ quiet: true });
    const real = await fashionMnistSample(120);
    const m = smallCnn({ inputShape: [28, 28, 1], numClasses: 10, widths: [4, 8, 8], rng: createRng(3) });
    const poisoned = await expectNoLeak(() => poisonCleanLabel(real, { model: m, trigger, targetLabel: 1, ratio: 0.5, rng: createRng('real') }));
    const targets = [...real.labels.keys()].filter((i) => real.labels[i] === 1);
    const chosen = [...poisoned.meta.poisoned!].flatMap((p, i) => (p ? [i] : []));
    expect(chosen.length).toBe(Math.round(0.5 * targets.length));
    expect(chosen.every((i) => real.labels[i] === 1)).toBe(true);
    expect(sameBytes(poisoned.labels, real.labels)).toBe(true);
    for (let i = 0; i < real.length; i++) {
      const a = real.image(i);
      const b = poisoned.image(i);
      if (!poisoned.meta.poisoned![i]) {
        expect(sameBytes(a, b)).toBe(true);
        continue;
      }
      let maxOutside = 0;
      for (let k = 0; k < a.length; k++) {
        const r = Math.floor(k / 28);
        const q = k % 28;
        if (r >= 23 && q >= 23) expect(b[k]).toBe((r - 23 + q - 23) % 2 === 0 ? 255 : 0); // the checkerboard
        else maxOutside = Math.max(maxOutside, Math.abs(a[k] - b[k]));
      }
      expect(maxOutside).toBeLessThanOrEqual(8);
      expect(maxOutside).toBeGreaterThan(0);
    }
    m.dispose();
  });
});

describe('poisonUnlabeled, clean-label form (Table 2, "Clean-Label Attack" rows)', () => {
  it('poisons the given fraction of the target class the clean-label way, keeping labels', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    const m = model();
    const unlabeled = randomPixelSet({ n: 100, height: H, width: H, channels: 3, seed: 26 });
    const poisoned = await poisonUnlabeled(unlabeled, { trigger, ratio: 0.3, rng: createRng(6), cleanLabel: { model: m, targetLabel: 2, steps: 3 } });
    const chosen = [...poisoned.meta.poisoned!].flatMap((p, i) => (p ? [i] : []));
    expect(chosen.length).toBe(3);
    for (const i of chosen) expect(unlabeled.labels[i]).toBe(2);
    expect(sameBytes(poisoned.labels, unlabeled.labels)).toBe(true);
    m.dispose();
  });
});

describe('clean-label poisoning across backends', () => {
  it('draws the same images on wasm and cpu, and the pixels agree up to rare gradient-sign ties', async () => {
    const set = randomPixelSet({ n: 60, height: H, width: H, channels: 3, seed: 27 });
    const results: ImageDataset[] = [];
    for (const backend of ['wasm', 'cpu'] as const) {
      await initBackend({ backend, quiet: true });
      const m = model();
      results.push(await poisonCleanLabel(set, { model: m, trigger, ratio: 0.5, rng: createRng(8) }));
      m.dispose();
    }
    const [a, b] = results;
    expect(sameBytes(a.meta.poisoned!, b.meta.poisoned!)).toBe(true);
    let differing = 0;
    for (let k = 0; k < a.images.length; k++) if (a.images[k] !== b.images[k]) differing++;
    expect(differing / a.images.length).toBeLessThan(0.01);
  });
});
