import { expect, it } from 'vitest';
import { ImageDataset, createRng } from '@bdst/core';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { attackSuccessRate, evaluate, standardAccuracy } from '@bdst/metrics';
import { CLASSES, flipAll, imagesPredictedAs, loggedRandomFlip, mirroredPixel, pixelArgmaxModel } from './fixtures/pixel-argmax.js';

// The clean set: 37 images (not a multiple of any batch size used), predicted i mod 8; the first
// 23 labelled with their prediction (correct), the other 14 with prediction + 1 (wrong).
const cleanPredicted = Array.from({ length: 37 }, (_, i) => i % 8);
const cleanLabels = cleanPredicted.map((p, i) => (i < 23 ? p : (p + 1) % CLASSES));
const clean = imagesPredictedAs(cleanPredicted, cleanLabels);

// The triggered set: 30 images with true labels i mod 10 (3 of them the target class 1), predicted
// as the target when i is a multiple of 3, else as class 5.
const target = 1;
const triggeredTruth = Array.from({ length: 30 }, (_, i) => i % 10);
const triggeredPredicted = triggeredTruth.map((_, i) => (i % 3 === 0 ? target : 5));
const triggered = imagesPredictedAs(triggeredPredicted, triggeredTruth);
// Non-target samples predicted as the target: the ten multiples of 3 below 30, minus i = 21 (of
// the target class): 9 hits out of 27.
const expectedAsr = 9 / 27;

/** The fraction of `labels` equal to `predictions`. */
function agreement(predictions: readonly number[], labels: readonly number[]): number {
  return predictions.filter((p, i) => p === labels[i]).length / labels.length;
}

describeBackends('standardAccuracy and attackSuccessRate (Section 3)', () => {
  it('SA counts correct predictions against the true labels, in any batch size, leaving nothing behind', async () => {
    const model = pixelArgmaxModel();
    for (const batchSize of [1, 5, 16, 256]) {
      expect(await expectNoLeak(() => standardAccuracy(model, clean, { batchSize }))).toBeCloseTo(23 / 37, 12);
    }
    // With meta.originalLabels, the truth is the original label, not the (poisoned) label.
    const relabelled = new ImageDataset({ ...clean, labels: new Int32Array(37).fill(target), meta: { originalLabels: Int32Array.from(cleanLabels) } });
    expect(await standardAccuracy(model, relabelled)).toBeCloseTo(23 / 37, 12);
    model.dispose();
  });

  it('ASR is the fraction of triggered non-target samples predicted as the target', async () => {
    const model = pixelArgmaxModel();
    expect(await expectNoLeak(() => attackSuccessRate(model, triggered, target, { batchSize: 7 }))).toBeCloseTo(expectedAsr, 12);
    // Target-class samples are left out by their true label, even when `labels` were all flipped to the target.
    const flipped = new ImageDataset({ ...triggered, labels: new Int32Array(30).fill(target), meta: { originalLabels: Int32Array.from(triggeredTruth) } });
    expect(await attackSuccessRate(model, flipped, target)).toBeCloseTo(expectedAsr, 12);
    // Another target: class 5 is predicted for 20 images, of which i = 5, 25 (label 5) are left out.
    expect(await attackSuccessRate(model, triggered, 5)).toBeCloseTo(18 / 27, 12);
    model.dispose();
  });

  it('applies a test-time transform to every batch before the model sees it', async () => {
    const model = pixelArgmaxModel();
    const mirrored = cleanPredicted.map(mirroredPixel);
    const sa = await expectNoLeak(() => standardAccuracy(model, clean, { transform: flipAll, rng: createRng(1), batchSize: 8 }));
    expect(sa).toBeCloseTo(agreement(mirrored, cleanLabels), 12);
    expect(sa).not.toBeCloseTo(23 / 37, 3);

    // A random transform draws from the rng it is given: the recorded coins explain the result,
    // the batches stream in order (10, 10, 10, 7), and the same seed gives the same coins.
    const runs = [];
    for (const seed of [7, 7, 8]) {
      const log = { flips: [] as number[], batchSizes: [] as number[] };
      const value = await expectNoLeak(() => standardAccuracy(model, clean, { transform: loggedRandomFlip(log), rng: createRng(seed), batchSize: 10 }));
      expect(log.batchSizes).toEqual([10, 10, 10, 7]);
      const seen = cleanPredicted.map((p, i) => (log.flips[i] ? mirroredPixel(p) : p));
      expect(value).toBeCloseTo(agreement(seen, cleanLabels), 12);
      runs.push(log.flips);
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).not.toEqual(runs[0]);
    expect(runs[0].filter((f) => f === 1).length).toBeGreaterThan(5);
    expect(runs[0].filter((f) => f === 0).length).toBeGreaterThan(5);
    model.dispose();
  });

  it('rejects bad input before any work, naming the argument', async () => {
    const model = pixelArgmaxModel();
    const empty = imagesPredictedAs([], []);
    await expect(standardAccuracy(undefined as never, clean)).rejects.toThrow(/Error in standardAccuracy: model must be a tf.LayersModel, but got undefined/);
    await expect(standardAccuracy(model, {} as never)).rejects.toThrow(/Error in standardAccuracy: cleanTest must be an ImageDataset/);
    await expect(standardAccuracy(model, empty)).rejects.toThrow(/Error in standardAccuracy: cleanTest is empty/);
    await expect(standardAccuracy(model, clean, { transform: flipAll })).rejects.toThrow(/Error in standardAccuracy: a transform needs options.rng/);
    await expect(standardAccuracy(model, clean, { batchSize: 0 })).rejects.toThrow(/Error in standardAccuracy: batchSize must be a positive integer, but got 0/);
    const twelve = pixelArgmaxModel(12);
    await expect(standardAccuracy(twelve, clean)).rejects.toThrow(/Error in standardAccuracy: model outputs 12 classes but cleanTest has 10/);
    const big = new ImageDataset({ images: new Uint8Array(2 * 8 * 8), shape: [2, 8, 8, 1], labels: Int32Array.of(0, 1), numClasses: 10 });
    await expect(standardAccuracy(model, big)).rejects.toThrow(/Error in standardAccuracy: model expects images 4×4×1 but cleanTest has 8×8×1/);
    await expect(attackSuccessRate(model, triggered, 10)).rejects.toThrow(/Error in attackSuccessRate: targetLabel must be an integer in \[0, 10\), but got 10/);
    await expect(attackSuccessRate(model, triggered, 1.5)).rejects.toThrow(/targetLabel must be an integer in \[0, 10\), but got 1.5/);
    const onlyTarget = imagesPredictedAs([1, 1], [target, target]);
    await expect(attackSuccessRate(model, onlyTarget, target)).rejects.toThrow(/Error in attackSuccessRate: triggeredTest has no sample outside targetLabel 1; ASR is undefined/);
    twelve.dispose();
    model.dispose();
  });
});

describeBackends('evaluate (SA, ASR, per-class accuracy, confusion)', () => {
  it('agrees with the single measures and fills the confusion matrix row = truth, column = prediction', async () => {
    const model = pixelArgmaxModel();
    const result = await expectNoLeak(() => evaluate(model, { clean, triggered, targetLabel: target, batchSize: 9 }));
    expect(result.sa).toBeCloseTo(23 / 37, 12);
    expect(result.asr).toBeCloseTo(expectedAsr, 12);
    const k = CLASSES;
    const { confusion, perClassAccuracy } = result;
    expect(confusion.length).toBe(k * k);
    let diagonal = 0;
    for (let t = 0; t < k; t++) diagonal += confusion[t * k + t];
    expect(diagonal).toBe(23);
    expect(confusion.reduce((a, b) => a + b, 0)).toBe(37);
    // Rows sum to the class counts of the clean set.
    for (let t = 0; t < k; t++) {
      let row = 0;
      for (let p = 0; p < k; p++) row += confusion[t * k + p];
      expect(row, `row ${t}`).toBe(cleanLabels.filter((y) => y === t).length);
    }
    // True 8, predicted 7: the wrong images with prediction 7 (i = 23, 31).
    expect(confusion[8 * k + 7]).toBe(2);
    // Class 0: correct for i = 0, 8, 16 (i < 23), and i = 24, 32 are predicted 0 but labelled 1.
    expect(confusion[0 * k + 0]).toBe(3);
    expect(confusion[1 * k + 0]).toBe(2);
    expect(perClassAccuracy[0]).toBeCloseTo(1, 12);
    expect(perClassAccuracy[1]).toBeCloseTo(3 / 5, 12); // i = 1, 9, 17 correct; 24, 32 wrong
    expect(perClassAccuracy[8]).toBe(0); // never predicted
    expect(perClassAccuracy[9]).toBeNaN(); // no clean sample of class 9
    model.dispose();
  });

  it('streams both sets through the same test-time transform, with its own stream per set', async () => {
    const model = pixelArgmaxModel();
    const log = { flips: [] as number[], batchSizes: [] as number[] };
    const result = await expectNoLeak(() => evaluate(model, { clean, triggered, targetLabel: target, transform: loggedRandomFlip(log), rng: createRng(3), batchSize: 16 }));
    // 37 clean images in batches of 16, then the 27 non-target triggered images.
    expect(log.batchSizes).toEqual([16, 16, 5, 16, 11]);
    const cleanSeen = cleanPredicted.map((p, i) => (log.flips[i] ? mirroredPixel(p) : p));
    expect(result.sa).toBeCloseTo(agreement(cleanSeen, cleanLabels), 12);
    const nonTarget = triggeredPredicted.filter((_, i) => triggeredTruth[i] !== target);
    const triggeredSeen = nonTarget.map((p, j) => (log.flips[37 + j] ? mirroredPixel(p) : p));
    expect(result.asr).toBeCloseTo(triggeredSeen.filter((p) => p === target).length / 27, 12);
    const again = await evaluate(model, { clean, triggered, targetLabel: target, transform: loggedRandomFlip({ flips: [], batchSizes: [] }), rng: createRng(3), batchSize: 16 });
    expect(again.sa).toBe(result.sa);
    expect(again.asr).toBe(result.asr);
    model.dispose();
  });

  it('rejects bad input', async () => {
    const model = pixelArgmaxModel();
    await expect(evaluate(model, undefined as never)).rejects.toThrow(/Error in evaluate: options must be \{ clean, triggered, targetLabel \}/);
    await expect(evaluate(model, { clean, triggered: undefined as never })).rejects.toThrow(/Error in evaluate: triggered must be an ImageDataset/);
    const fiveClasses = new ImageDataset({ ...triggered, labels: triggered.labels.map((y) => y % 5), numClasses: 5 });
    await expect(evaluate(model, { clean, triggered: fiveClasses })).rejects.toThrow(/Error in evaluate: model outputs 10 classes but triggered has 5/);
    await expect(evaluate(model, { clean, triggered, targetLabel: -1 })).rejects.toThrow(/Error in evaluate: targetLabel must be an integer in \[0, 10\), but got -1/);
    model.dispose();
  });
});
