import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRng, ImageDataset, initBackend, smallCnn, syntheticDataset } from '@bdst/core';
import type { Prediction, PredictOptions, Rng, TrainOptions, Transform } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, poisonUnlabeled } from '@bdst/attacks';
import { selectConfident, selectionQuota, SelfTrainer, selfTrain } from '@bdst/selftrain';
import type { SelfTrainOptions } from '@bdst/selftrain';

// Spies around @bdst/core's train and predict (the real functions still run): they record what
// every loss saw (dataset, labels, transform) and what every pseudo-labeling pass returned.
const spy = vi.hoisted(() => ({
  train: [] as { dataset: ImageDataset; options: TrainOptions }[],
  predict: [] as { dataset: ImageDataset; options: PredictOptions; result: Prediction }[],
  inside: null as null | 'train' | ImageDataset,
}));
vi.mock('@bdst/core', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@bdst/core')>();
  return {
    ...actual,
    train: async (model: Parameters<typeof actual.train>[0], dataset: ImageDataset, options: TrainOptions) => {
      spy.train.push({ dataset, options });
      spy.inside = 'train';
      try {
        return await actual.train(model, dataset, options);
      } finally {
        spy.inside = null;
      }
    },
    predict: async (model: Parameters<typeof actual.predict>[0], dataset: ImageDataset, options: PredictOptions = {}) => {
      spy.inside = dataset;
      try {
        const result = await actual.predict(model, dataset, options);
        spy.predict.push({ dataset, options, result });
        return result;
      } finally {
        spy.inside = null;
      }
    },
  };
});

const C = 10;
const all = syntheticDataset({ size: 300, seed: 'selftrain-mechanics', height: 16, width: 16, channels: 1 });
const [labeledClean, unlabeledClean] = all.split(0.2, createRng('split'));
const trigger = badnetsTrigger({ kind: 'grayscale', size: 3 });
const labeled = poisonBadNets(labeledClean, { trigger, targetLabel: 1, ratio: 0.1, rng: createRng('poison-l') });
let unlabeled: ImageDataset;

const createModel = (rng: Rng) => smallCnn({ inputShape: [16, 16, 1], numClasses: C, rng, widths: [2, 4, 4] });
const tiny = { epochs: 1, batchSize: 32, lr: 0.05 };

/** T for these tests: a vertical flip that records how many images it saw, and inside which call. */
function recordingTransform(log: { images: number; where: (null | 'train' | ImageDataset)[] }): Transform {
  return (x) => {
    log.images += x.shape[0];
    log.where.push(spy.inside);
    return tf.reverse(x, 1);
  };
}

function baseOptions(overrides: Partial<SelfTrainOptions> = {}): SelfTrainOptions {
  return { labeled, unlabeled, createModel, pretrain: tiny, retrain: tiny, final: tiny, rng: createRng('run'), ...overrides };
}

/** The pseudo-labeling passes of iteration n (1-based): the predict calls on D_L and D_U, in order. */
function pseudoLabelCalls(n: number, onLabeled: boolean) {
  const calls = spy.predict.filter((c) => c.dataset === labeled || c.dataset === unlabeled);
  const perIteration = onLabeled ? 2 : 1;
  return calls.slice((n - 1) * perIteration, n * perIteration);
}

describe('SelfTrainer (Algorithm 1 mechanics)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    unlabeled = await poisonUnlabeled(unlabeledClean, { trigger, ratio: 0.1, rng: createRng('poison-u') });
  });
  afterEach(() => {
    spy.train.length = 0;
    spy.predict.length = 0;
  });

  it('selects ⌈k·n·|D_UL|/C⌉ per predicted class at each n (capped at all of D_UL), trains only on pseudo-labels of original images, applies T only to D_L and only to pseudo-label', async () => {
    const tLog = { images: 0, where: [] as (null | 'train' | ImageDataset)[] };
    const trainAugLog = { images: 0, where: [] as (null | 'train' | ImageDataset)[] };
    const T = recordingTransform(tLog);
    const tensorsAtIterationEnd: number[] = [];
    const before = tf.memory().numTensors;
    const result = await selfTrain(
      baseOptions({
        transform: T,
        iterations: 5,
        fractionPerIteration: 0.25,
        retrain: { ...tiny, transform: recordingTransform(trainAugLog) },
        onIterationEnd: () => tensorsAtIterationEnd.push(tf.memory().numTensors),
      }),
    );
    const total = labeled.length + unlabeled.length;
    // One pretraining on D_L (the only loss that sees given labels), five retrainings, one final training.
    expect(spy.train).toHaveLength(7);
    expect(spy.train[0].dataset).toBe(labeled);

    for (let n = 1; n <= 5; n++) {
      const [onL, onU] = pseudoLabelCalls(n, true);
      // T goes with the labeled pass only; the unlabeled pass sees the untransformed images.
      expect(onL.dataset).toBe(labeled);
      expect(onL.options.transform).toBe(T);
      expect(onU.dataset).toBe(unlabeled);
      expect(onU.options.transform ?? null).toBeNull();
      const pseudo = {
        labels: Int32Array.from([...onL.result.labels, ...onU.result.labels]),
        confidences: Float32Array.from([...onL.result.confidences, ...onU.result.confidences]),
      };
      const report = result.history.iterations[n - 1];
      const quota = selectionQuota({ iteration: n, fractionPerIteration: 0.25, total, numClasses: C });
      // n = 1..3: ⌈0.25·n·|D_UL|/C⌉ per class; n = 4 (k·n = 1) and n = 5 (1.25): capped, all of D_UL.
      expect(report.perClassQuota).toBe(n < 4 ? Math.ceil((0.25 * n * total) / C) : null);
      const predicted = new Array<number>(C).fill(0);
      for (const y of pseudo.labels) predicted[y]++;
      expect(report.classCounts).toEqual(predicted.map((count) => Math.min(count, quota.perClass)));
      if (n >= 4) expect(report.selectedCount).toBe(total);

      // The retraining of iteration n saw exactly D_n: original images, pseudo-labels.
      const chosen = selectConfident(pseudo, { perClass: quota.perClass, numClasses: C }).sort();
      const trained = spy.train[n].dataset;
      expect(trained.length).toBe(chosen.length);
      expect(Array.from(trained.labels)).toEqual(Array.from(chosen, (i) => pseudo.labels[i]));
      let differsFromGiven = 0;
      chosen.forEach((i, j) => {
        const [source, k] = i < labeled.length ? [labeled, i] : [unlabeled, i - labeled.length];
        expect(trained.image(j)).toEqual(source.image(k));
        if (trained.labels[j] !== source.labels[k]) differsFromGiven++;
      });
      // Pseudo-labels of a barely trained model differ from the given labels, so a loss on the given labels would show here.
      expect(differsFromGiven).toBeGreaterThan(0);
    }
    // The final model is trained on D_N exactly as the last retraining was.
    expect(Array.from(spy.train[6].dataset.labels)).toEqual(Array.from(spy.train[5].dataset.labels));
    expect(spy.train[6].dataset.images).toEqual(spy.train[5].dataset.images);

    // T saw |D_L| images per iteration, all inside the labeled pseudo-labeling pass; never in training.
    expect(tLog.images).toBe(5 * labeled.length);
    expect(tLog.where.every((w) => w === labeled)).toBe(true);
    // The retraining's own train-time transform is separate from T and runs only inside train.
    expect(trainAugLog.where.every((w) => w === 'train')).toBe(true);
    for (const call of spy.train) expect(call.options.transform).not.toBe(T);

    // Tensors stay flat across iterations and nothing leaks once the caller disposes the models.
    expect(new Set(tensorsAtIterationEnd).size).toBe(1);
    result.model.dispose();
    result.selfTrainedModel.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('records the selection against the poisoning bookkeeping (poisoned samples and their pseudo-labels, by source)', async () => {
    const trainer = new SelfTrainer(baseOptions({ iterations: 1, evaluate: { clean: labeledClean, targetLabel: 1 } }));
    const report = await trainer.step();
    const dn = spy.train[1].dataset;
    let poisoned = 0;
    let withTarget = 0;
    const poisonedPerClass = new Array<number>(C).fill(0);
    for (let j = 0; j < dn.length; j++) {
      if (dn.meta.poisoned![j]) {
        poisoned++;
        poisonedPerClass[dn.labels[j]]++;
        if (dn.labels[j] === 1) withTarget++;
      }
    }
    expect(poisoned).toBeGreaterThan(0);
    expect(report.selection.poisoned).toBe(poisoned);
    expect(report.selection.poisonedWithTarget).toBe(withTarget);
    expect(report.selection.poisonedPerClass).toEqual(poisonedPerClass);
    expect(report.selectionBySource.labeled.count + report.selectionBySource.unlabeled.count).toBe(dn.length);
    expect(report.selection.perClass).toEqual(report.classCounts);
    expect(report.evaluation?.asr).toBeNull();
    expect(report.evaluation?.sa).toBeGreaterThanOrEqual(0);
    expect(trainer.state).toMatchObject({ pretrained: true, completedIterations: 1, finished: false });
    await expect(trainer.step()).rejects.toThrow(/all 1 iterations are done/);
    const result = await trainer.finish();
    expect(trainer.state.finished).toBe(true);
    result.model.dispose();
    result.selfTrainedModel.dispose();
  });

  it("pseudoLabelOn 'unlabeled' never pseudo-labels (nor transforms) D_L; transform null pseudo-labels D_L untransformed", async () => {
    const tLog = { images: 0, where: [] as (null | 'train' | ImageDataset)[] };
    const onlyU = await selfTrain(baseOptions({ iterations: 2, pseudoLabelOn: 'unlabeled', transform: recordingTransform(tLog) }));
    expect(tLog.images).toBe(0);
    expect(spy.predict.some((c) => c.dataset === labeled)).toBe(false);
    for (const r of onlyU.history.iterations) {
      expect(r.pseudoLabeledCount).toBe(unlabeled.length);
      expect(r.selectionBySource.labeled.count).toBe(0);
    }
    onlyU.model.dispose();
    onlyU.selfTrainedModel.dispose();

    spy.predict.length = 0;
    const baseline = await selfTrain(baseOptions({ iterations: 1, transform: null }));
    const [onL] = pseudoLabelCalls(1, true);
    expect(onL.dataset).toBe(labeled);
    expect(onL.options.transform ?? null).toBeNull();
    baseline.model.dispose();
    baseline.selfTrainedModel.dispose();
  });

  it('copies a given pretrained model instead of training it in place, and skips pretraining', async () => {
    const pretrained = createModel(createRng('given'));
    const weightsBefore = pretrained.getWeights().map((w) => Array.from(w.dataSync()));
    const result = await selfTrain(baseOptions({ pretrained, pretrain: undefined, iterations: 1 }));
    expect(pretrained.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weightsBefore);
    expect(result.selfTrainedModel).not.toBe(pretrained);
    expect(spy.train.every((c) => c.dataset !== labeled)).toBe(true);
    expect(result.history.pretrain?.epochs).toEqual([]);
    result.model.dispose();
    result.selfTrainedModel.dispose();
    pretrained.dispose();
  });

  it('replicas reaches pseudo-labelling and every training phase without its own (a phase\'s own value wins)', async () => {
    const pretrained = createModel(createRng('given-replicas'));
    const result = await selfTrain(baseOptions({ pretrained, pretrain: undefined, iterations: 1, replicas: 2, retrain: { ...tiny, replicas: 1 } }));
    const pseudoLabelling = spy.predict.filter((c) => c.dataset === labeled || c.dataset === unlabeled);
    expect(pseudoLabelling.length).toBeGreaterThan(0);
    expect(pseudoLabelling.every((c) => c.options.replicas === 2)).toBe(true);
    expect(spy.train.map((c) => c.options.replicas)).toEqual([1, 2]); // retrain (its own 1), final (the run's 2)
    result.model.dispose();
    result.selfTrainedModel.dispose();
    pretrained.dispose();
  });

  it('rejects bad options before any work, naming the option', () => {
    expect(() => new SelfTrainer(baseOptions({ replicas: 0 }))).toThrow(/replicas must be an integer ≥ 1, but got 0/);
    expect(() => new SelfTrainer(baseOptions({ pretrain: undefined }))).toThrow(/Error in selfTrain: give either `pretrained`/);
    expect(() => new SelfTrainer(baseOptions({ iterations: 0 }))).toThrow(/iterations must be a positive integer, but got 0/);
    expect(() => new SelfTrainer(baseOptions({ fractionPerIteration: 0 }))).toThrow(/fractionPerIteration must be in \(0, 1\], but got 0/);
    expect(() => new SelfTrainer(baseOptions({ pseudoLabelOn: 'labeled' as never }))).toThrow(/pseudoLabelOn must be 'labeled\+unlabeled' or 'unlabeled'/);
    expect(() => new SelfTrainer(baseOptions({ retrain: { epochs: 0 } }))).toThrow(/retrain.epochs must be a positive integer, but got 0/);
    expect(() => new SelfTrainer(baseOptions({ evaluate: { clean: labeled, triggered: labeled } }))).toThrow(/targetLabel is required/);
    const rgb = syntheticDataset({ size: 10, seed: 1, height: 16, width: 16, channels: 3 });
    expect(() => new SelfTrainer(baseOptions({ unlabeled: rgb }))).toThrow(/labeled images are 16×16×1 but unlabeled images are 16×16×3/);
    expect(() => new SelfTrainer(baseOptions({ initialPseudoLabels: { labels: new Int32Array(3), confidences: new Float32Array(3) } }))).toThrow(
      /initialPseudoLabels must hold one label per D_UL sample/,
    );
    expect(spy.train).toHaveLength(0);
  });
});
