import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SgdMomentum, learningRateAt, trainStep } from '@bdst/core';
import { describeBackends } from '@bdst/test-utils';

/** Written by /usr/bin/python3 packages/core/test/fixtures/sgd-reference.py with torch.optim.SGD. */
const REF = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/sgd-reference.json'), 'utf8'));

function expectClose(actual: ArrayLike<number>, expected: number[], tolerance: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThan(tolerance);
}

describeBackends('SgdMomentum', () => {
  it("equals torch.optim.SGD(momentum=0.9, weight_decay=1e-4) step by step, with an lr change between steps", async () => {
    const { sgd } = REF;
    const w = tf.variable(tf.tensor2d(sgd.initial.w));
    const b = tf.variable(tf.tensor1d(sgd.initial.b));
    const optimizer = new SgdMomentum({ lr: sgd.lr, momentum: sgd.momentum, weightDecay: sgd.weightDecay });
    const before = tf.memory().numTensors;
    sgd.gradients.forEach((g: { w: number[][]; b: number[] }, k: number) => {
      optimizer.lr = sgd.steps[k].lr;
      const grads = [tf.tensor2d(g.w), tf.tensor1d(g.b)];
      optimizer.applyGradients([w, b], grads);
      tf.dispose(grads);
      expectClose(w.dataSync(), sgd.steps[k].w.flat(), 1e-6, `w after step ${k + 1}`);
      expectClose(b.dataSync(), sgd.steps[k].b, 1e-6, `b after step ${k + 1}`);
      expect(tf.memory().numTensors, 'live tensors: the variables plus one momentum buffer each').toBe(before + 2);
    });
    expect(optimizer.step).toBe(3);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, b]);
  });

  it('round-trips its state: a restored optimizer continues exactly like the original', async () => {
    const make = () => [tf.variable(tf.tensor1d([1, -2, 3])), tf.variable(tf.tensor1d([0.5]))];
    const grads = (k: number) => [tf.tensor1d([0.1 * k, -0.2, 0.3]), tf.tensor1d([k])];
    const [w1, b1] = make();
    const original = new SgdMomentum({ lr: 0.1 });
    for (const k of [1, 2]) {
      const g = grads(k);
      original.applyGradients([w1, b1], g);
      tf.dispose(g);
    }
    const state = await original.getState();
    const [w2, b2] = [tf.variable(w1.clone()), tf.variable(b1.clone())];
    const restored = new SgdMomentum({ lr: 0.5 });
    restored.setState(state);
    expect(restored.lr).toBe(0.1);
    expect(restored.step).toBe(2);
    const g = grads(3);
    original.applyGradients([w1, b1], g);
    restored.applyGradients([w2, b2], g);
    tf.dispose(g);
    expect([...w2.dataSync()]).toEqual([...w1.dataSync()]);
    expect([...b2.dataSync()]).toEqual([...b1.dataSync()]);
    original.dispose();
    restored.dispose();
    tf.dispose([w1, b1, w2, b2]);
  });

  it('works without momentum (plain SGD with weight decay) over several steps', () => {
    const w = tf.variable(tf.tensor1d([1, -1]));
    const optimizer = new SgdMomentum({ lr: 0.5, momentum: 0, weightDecay: 0.1 });
    for (let k = 0; k < 3; k++) {
      const g = tf.tensor1d([1, 1]);
      optimizer.applyGradients([w], [g]);
      g.dispose();
    }
    // w ← w − 0.5·(1 + 0.1·w), three times.
    let a = 1;
    let c = -1;
    for (let k = 0; k < 3; k++) {
      a -= 0.5 * (1 + 0.1 * a);
      c -= 0.5 * (1 + 0.1 * c);
    }
    expectClose(w.dataSync(), [a, c], 1e-6, 'w');
    optimizer.dispose();
    w.dispose();
  });

  it('names bad hyper-parameters and mismatched gradients', () => {
    expect(() => new SgdMomentum({ lr: 0 })).toThrow(/Error in SgdMomentum: lr must be a finite number > 0, but got 0/);
    expect(() => new SgdMomentum({ momentum: 1 })).toThrow(/Error in SgdMomentum: momentum must be in \[0, 1\), but got 1/);
    expect(() => new SgdMomentum({ weightDecay: -1 })).toThrow(/Error in SgdMomentum: weightDecay must be a finite number ≥ 0, but got -1/);
    const w = tf.variable(tf.zeros([2, 2]));
    const g = tf.zeros([4]);
    const optimizer = new SgdMomentum();
    expect(() => optimizer.applyGradients([w], [g])).toThrow(/gradients\[0\] has shape \[4\] but variable .* has shape \[2,2\]/);
    expect(() => optimizer.applyGradients([w], [])).toThrow(/got 1 variables but 0 gradients/);
    tf.dispose([w, g]);
  });
});

describeBackends('trainStep', () => {
  it('equals one PyTorch step of Linear + cross-entropy + SGD(momentum, weight_decay): loss, correct count and new weights', async () => {
    const { trainStep: ref } = REF;
    const input = tfl.input({ shape: [2, 2, 1] });
    const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 3, name: 'fc' }).apply(flat) as tfl.SymbolicTensor });
    model.setWeights([tf.tensor2d(ref.initial.kernel), tf.tensor1d(ref.initial.bias)]);
    const optimizer = new SgdMomentum({ lr: ref.lr, momentum: ref.momentum, weightDecay: ref.weightDecay });
    const images = tf.tensor4d(ref.images.flat(), [5, 2, 2, 1]);
    const before = tf.memory().numTensors;
    const result = await trainStep(model, optimizer, images, Int32Array.from(ref.labels));
    expect(tf.memory().numTensors, 'only the two momentum buffers remain').toBe(before + 2);
    expect(result.loss).toBeCloseTo(ref.loss, 5);
    expect(result.correct).toBe(ref.correct);
    const [kernel, bias] = model.getWeights();
    expectClose(kernel.dataSync(), ref.after.kernel.flat(), 1e-6, 'kernel');
    expectClose(bias.dataSync(), ref.after.bias, 1e-6, 'bias');
    await expect(trainStep(model, optimizer, images, Int32Array.of(0, 1))).rejects.toThrow(/Error in trainStep: labels has length 2 but the batch has 5 images/);
    const wrongSize = tf.zeros([5, 3, 2, 1]) as tf.Tensor4D;
    const tensors = tf.memory().numTensors;
    await expect(trainStep(model, optimizer, wrongSize, Int32Array.from(ref.labels))).rejects.toThrow(/Error in trainStep: images has shape \[5, 3, 2, 1\] but the model takes \[B, 2, 2, 1\]/);
    const labelCount = model.outputs[0].shape[1] as number;
    const badLabels = Int32Array.from(ref.labels);
    badLabels[3] = labelCount;
    await expect(trainStep(model, optimizer, images, badLabels)).rejects.toThrow(new RegExp(`Error in trainStep: labels\\[3\\] is ${labelCount}, outside \\[0, ${labelCount}\\)`));
    badLabels[3] = -1;
    await expect(trainStep(model, optimizer, images, badLabels)).rejects.toThrow(/Error in trainStep: labels\[3\] is -1, outside \[0, /);
    expect(tf.memory().numTensors).toBe(tensors);
    wrongSize.dispose();
    images.dispose();
    optimizer.dispose();
    model.dispose();
  });
});

it('learningRateAt follows MultiStepLR stepped once per epoch (paper: 0.01, ×0.5 after epoch 100)', () => {
  const schedule = { milestones: [100], gamma: 0.5 };
  expect(learningRateAt(0.01, schedule, 1)).toBe(0.01);
  expect(learningRateAt(0.01, schedule, 100)).toBe(0.01);
  expect(learningRateAt(0.01, schedule, 101)).toBe(0.005);
  const tiny = { milestones: [90, 180], gamma: 0.1 };
  expect(learningRateAt(0.1, tiny, 90)).toBe(0.1);
  expect(learningRateAt(0.1, tiny, 91)).toBeCloseTo(0.01, 12);
  expect(learningRateAt(0.1, tiny, 181)).toBeCloseTo(0.001, 12);
  expect(learningRateAt(0.1, undefined, 500)).toBe(0.1);
});
