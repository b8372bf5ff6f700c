import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRng, smallCnn, syntheticDataset } from '@bdst/core';
import { describeBackends } from '@bdst/test-utils';
import { badnetsTrigger, pgdAttack, poisonBadNets, trainCleanModel, triggeredTestSet } from '@bdst/attacks';
import { accuracyOn, fractionPredictedAs, trainSmallCnn } from './fixtures/backdoor-training.js';

// End to end on the synthetic set (no download): does a BadNets-poisoned training set (ratio
// 0.1, the paper's γ for D_L) plant a backdoor in a small CNN, and does PGD attack a clean one?
// 16×16 gray images and 5 epochs (the last at a fifth of the rate, which steadies the weights)
// keep it to a few seconds of CPU per model; trained once, on the default backend (WASM), since
// training is the expensive part.
const trigger = badnetsTrigger({ kind: 'grayscale', size: 5, position: 'bottom-right' });
const target = 1;
const train = syntheticDataset({ size: 2000, seed: 'attacks-train', height: 16, width: 16, channels: 1 });
const test = syntheticDataset({ size: 400, seed: 'attacks-test', height: 16, width: 16, channels: 1 });
const triggered = triggeredTestSet(test, trigger, target);
const recipe = { epochs: 5, lr: 0.05, batchSize: 64, schedule: { milestones: [4], gamma: 0.2 } };

describeBackends('BadNets on the synthetic set (Sections 3 and 5.1)', () => {
  let clean: LayersModel;
  let backdoored: LayersModel;

  beforeAll(async () => {
    const poisoned = poisonBadNets(train, { trigger, targetLabel: target, ratio: 0.1, rng: createRng('poison') });
    expect(poisoned.meta.poisoned!.reduce((a, b) => a + b, 0)).toBe(200);
    // The clean model comes from the attack's own helper (the clean-label attacker's model).
    const rng = createRng(1);
    const model = smallCnn({ inputShape: train.imageShape, numClasses: train.numClasses, widths: [8, 16, 32], rng: rng.fork('init') });
    const { history } = await trainCleanModel(train, { model, ...recipe, rng: rng.fork('train') });
    expect(history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(history[4].lr).toBeCloseTo(0.01, 12);
    clean = model;
    backdoored = await trainSmallCnn(poisoned, { seed: 1, ...recipe });
  });
  afterAll(() => {
    clean?.dispose();
    backdoored?.dispose();
  });

  it('a model trained on 10% poisoned data sends ≥ 95% of triggered test images to the target; a clean one < 15%', async () => {
    const cleanSa = await accuracyOn(clean, test);
    const cleanAsr = await fractionPredictedAs(clean, triggered, target);
    const backdooredAsr = await fractionPredictedAs(backdoored, triggered, target);
    console.info(`synthetic 16×16: clean SA ${(cleanSa * 100).toFixed(1)}%, clean ASR ${(cleanAsr * 100).toFixed(1)}%, backdoored ASR ${(backdooredAsr * 100).toFixed(1)}%`);
    expect(cleanSa).toBeGreaterThan(0.5); // the clean model learned the classes, so its low ASR means something
    expect(cleanAsr).toBeLessThan(0.15);
    expect(backdooredAsr).toBeGreaterThanOrEqual(0.95);
  });

  it('PGD (ε = 8/255, 10 steps) raises the clean model\'s loss on the perturbed images and lowers its accuracy', async () => {
    const sample = test.subset(Int32Array.from({ length: 128 }, (_, i) => i));
    const x = sample.toTensor();
    const adversarial = pgdAttack(clean, x, { labels: sample.labels, rng: createRng('pgd') });
    const [before, after, accBefore, accAfter] = tf.tidy(() => {
      const y = tf.oneHot(tf.tensor1d(sample.labels, 'int32'), test.numClasses);
      const logitsBefore = clean.apply(x, { training: false }) as tf.Tensor2D;
      const logitsAfter = clean.apply(adversarial, { training: false }) as tf.Tensor2D;
      const accuracy = (logits: tf.Tensor2D) => tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32')).dataSync()[0];
      return [
        tf.losses.softmaxCrossEntropy(y, logitsBefore).dataSync()[0],
        tf.losses.softmaxCrossEntropy(y, logitsAfter).dataSync()[0],
        accuracy(logitsBefore),
        accuracy(logitsAfter),
      ];
    });
    tf.dispose([x, adversarial]);
    console.info(`PGD on the clean model: loss ${before.toFixed(3)} → ${after.toFixed(3)}, accuracy ${(accBefore * 100).toFixed(1)}% → ${(accAfter * 100).toFixed(1)}%`);
    expect(after).toBeGreaterThan(before * 1.5);
    expect(accAfter).toBeLessThan(accBefore);
  });
}, ['wasm']);
