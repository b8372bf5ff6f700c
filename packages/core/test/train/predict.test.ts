import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRng, predict, smallCnn, syntheticDataset, trainStep, SgdMomentum, type Rng } from '@bdst/core';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';

const data = syntheticDataset({ size: 37, seed: 'predict', height: 16, width: 16 });

describeBackends('predict', () => {
  let model: tfl.LayersModel;
  beforeAll(async () => {
    model = smallCnn({ inputShape: [16, 16, 3], numClasses: 10, widths: [4, 8, 8], rng: createRng('predict-model') });
    // One training step so BatchNorm's moving statistics differ from their initial values and
    // inference mode (moving statistics) is distinguishable from training mode (batch statistics).
    const optimizer = new SgdMomentum({ lr: 0.1 });
    const x = data.toTensor();
    await trainStep(model, optimizer, x, data.labels);
    x.dispose();
    optimizer.dispose();
  });
  afterAll(() => model.dispose());

  it('returns softmax probabilities, argmax labels and max-probability confidences, in dataset order', async () => {
    const p = await expectNoLeak(() => predict(model, data, { batchSize: 8 }));
    expect(p.numClasses).toBe(10);
    expect(p.labels.length).toBe(37);
    expect(p.confidences.length).toBe(37);
    expect(p.probabilities.length).toBe(370);
    const expected = tf.tidy(() => {
      const x = data.toTensor();
      return tf.softmax(model.apply(x, { training: false }) as tf.Tensor2D).arraySync() as number[][];
    });
    for (let i = 0; i < 37; i++) {
      const row = Array.from(p.probabilities.subarray(i * 10, (i + 1) * 10));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      for (let k = 0; k < 10; k++) expect(row[k]).toBeCloseTo(expected[i][k], 5);
      const best = row.indexOf(Math.max(...row));
      expect(p.labels[i]).toBe(best);
      expect(p.confidences[i]).toBe(row[best]);
    }
  });

  it('gives the same answer for any batch size (inference mode: no batch statistics)', async () => {
    const a = await predict(model, data, { batchSize: 1 });
    const b = await predict(model, data, { batchSize: 256 });
    expect([...a.labels]).toEqual([...b.labels]);
    for (let i = 0; i < a.probabilities.length; i++) expect(a.probabilities[i]).toBeCloseTo(b.probabilities[i], 5);
  });

  it('streams: one batch on the backend at a time, whatever the dataset size', async () => {
    const big = syntheticDataset({ size: 200, seed: 'stream', height: 16, width: 16 });
    const before = tf.memory().numTensors;
    const livePerBatch: number[] = [];
    const identity = (x: tf.Tensor4D, _rng: Rng) => {
      livePerBatch.push(tf.memory().numTensors - before);
      return x.clone();
    };
    await predict(model, big, { batchSize: 20, transform: identity, rng: createRng(1) });
    expect(livePerBatch.length).toBe(10);
    expect(Math.max(...livePerBatch), `live tensors per batch: ${livePerBatch}`).toBe(1); // only the batch being transformed
    expect(tf.memory().numTensors).toBe(before);
  });

  it('applies a transform drawn from the given rng, and requires the rng', async () => {
    const flip = (x: tf.Tensor4D, rng: Rng) => {
      expect(rng.seed).toBe('tta');
      return tf.tidy(() => tf.reverse(x, 2) as tf.Tensor4D);
    };
    const flipped = await predict(model, data, { transform: flip, rng: createRng('tta') });
    const expected = tf.tidy(() => tf.softmax(model.apply(tf.reverse(data.toTensor(), 2), { training: false }) as tf.Tensor2D).dataSync());
    for (let i = 0; i < expected.length; i++) expect(flipped.probabilities[i]).toBeCloseTo(expected[i], 5);
    await expect(predict(model, data, { transform: flip })).rejects.toThrow(/Error in predict: options.rng must be an Rng when options.transform is given/);
  });

  it('names bad arguments', async () => {
    await expect(predict(model, data, { batchSize: 0 })).rejects.toThrow(/Error in predict: options.batchSize must be an integer ≥ 1, but got 0/);
    const gray = syntheticDataset({ size: 2, seed: 1, height: 16, width: 16, channels: 1 });
    await expect(predict(model, gray)).rejects.toThrow(/Error in predict: model input shape \[16, 16, 3\] does not match the dataset's image shape \[16, 16, 1\]/);
    const empty = await predict(model, data.subset([]));
    expect(empty.labels.length).toBe(0);
  });
});
