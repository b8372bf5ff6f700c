import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_SYSTEM_DIR, createRng, initBackend, loadFashionMnist } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, triggeredTestSet } from '@bdst/attacks';
import { accuracyOn, fractionPredictedAs, trainSmallCnn } from './fixtures/backdoor-training.js';

// BadNets on real Fashion-MNIST (Debian's dataset-fashion-mnist): a smallCnn trained a few epochs
// on a 10% poisoned training set keeps a useful standard accuracy and learns the backdoor.
// 12,000 training images × 5 epochs (the last at a fifth of the rate) take about 2.5 CPU-minutes
// on WASM, hence a slow test (`npm run test:slow`).
const haveFile = (name: string) => existsSync(join(FASHION_MNIST_SYSTEM_DIR, name)) || existsSync(join(FASHION_MNIST_SYSTEM_DIR, `${name}.gz`));
const haveRealData = ['train', 't10k'].every((split) => haveFile(`${split}-images-idx3-ubyte`) && haveFile(`${split}-labels-idx1-ubyte`));
if (!haveRealData) console.warn(`Fashion-MNIST BadNets test skipped: ${FASHION_MNIST_SYSTEM_DIR} not found (apt-get install dataset-fashion-mnist)`);

describe('BadNets on Fashion-MNIST (ratio 0.1, grayscale 5×5 trigger, target 1)', () => {
  it.runIf(haveRealData)('a smallCnn trained 5 epochs on 10% poisoned data has SA ≥ 80% and ASR ≥ 95%', async () => {
    const info = await initBackend({ quiet: true });
    const trigger = badnetsTrigger({ kind: 'grayscale', size: 5, position: 'bottom-right' });
    const rng = createRng('fashion-mnist-badnets');
    const full = await loadFashionMnist({ split: 'train' });
    const test = await loadFashionMnist({ split: 'test' });
    const train = full.subset(rng.fork('subset').permutation(full.length).subarray(0, 12_000));
    const poisoned = poisonBadNets(train, { trigger, targetLabel: 1, ratio: 0.1, rng: rng.fork('poison') });
    expect(poisoned.meta.poisoned!.reduce((a, b) => a + b, 0)).toBe(1200);

    const started = performance.now();
    const model = await trainSmallCnn(poisoned, { seed: 2, epochs: 5, lr: 0.1, batchSize: 64, schedule: { milestones: [4], gamma: 0.2 } });
    const seconds = (performance.now() - started) / 1000;
    try {
      const sa = await accuracyOn(model, test);
      const triggered = triggeredTestSet(test, trigger, 1);
      expect(triggered.length).toBe(9000);
      const asr = await fractionPredictedAs(model, triggered, 1);
      console.info(`Fashion-MNIST BadNets (${info.description}): trained 12,000 × 5 epochs in ${seconds.toFixed(0)} s; SA ${(sa * 100).toFixed(2)}%, ASR ${(asr * 100).toFixed(2)}%`);
      expect(sa).toBeGreaterThanOrEqual(0.8);
      expect(asr).toBeGreaterThanOrEqual(0.95);
    } finally {
      model.dispose();
    }
  });
});
