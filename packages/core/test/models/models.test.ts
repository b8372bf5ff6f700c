import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRng, forwardFlops, initBackend, resnet18, smallCnn, trainableParamCount, vgg16 } from '@bdst/core';
import { expectNoLeak } from '@bdst/test-utils';

/** Written by /usr/bin/python3 packages/core/test/fixtures/param-counts.py from kuangliu/pytorch-cifar's models in PyTorch. */
interface Reference {
  trainable: number;
  forwardMacs32: number;
  tensorNumels: number[];
}
const REFERENCE = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/param-counts.json'), 'utf8')).models as Record<string, Reference>;

const numels = (model: tfl.LayersModel) => model.trainableWeights.map((w) => w.shape.reduce((a: number, b) => a * (b as number), 1)).sort((a, b) => a - b);

const built: tfl.LayersModel[] = [];
function keep(model: tfl.LayersModel): tfl.LayersModel {
  built.push(model);
  return model;
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterEach(() => {
  built.splice(0).forEach((m) => m.dispose());
});

describe('vgg16 and resnet18 match the PyTorch CIFAR references', () => {
  it('vgg16 (10 classes): 14,728,266 trainable parameters, tensor by tensor, and its forward multiply-adds', () => {
    const model = keep(vgg16({ inputShape: [32, 32, 3], numClasses: 10 }));
    const ref = REFERENCE['vgg16-10'];
    expect(ref.trainable).toBe(14728266);
    expect(trainableParamCount(model)).toBe(ref.trainable);
    expect(numels(model)).toEqual(ref.tensorNumels);
    expect(forwardFlops(model)).toBe(2 * ref.forwardMacs32);
    expect(model.layers.filter((l) => l.getClassName() === 'Conv2D')).toHaveLength(13);
    expect(model.outputs[0].shape).toEqual([null, 10]);
  });

  it('resnet18 (10 classes): 11,173,962 trainable parameters, tensor by tensor, and its forward multiply-adds', () => {
    const model = keep(resnet18({ inputShape: [32, 32, 3], numClasses: 10 }));
    const ref = REFERENCE['resnet18-10'];
    expect(ref.trainable).toBe(11173962);
    expect(trainableParamCount(model)).toBe(ref.trainable);
    expect(numels(model)).toEqual(ref.tensorNumels);
    expect(forwardFlops(model)).toBe(2 * ref.forwardMacs32);
  });

  it('match for other class counts (vgg16 with 2, resnet18 with 100)', () => {
    const v = keep(vgg16({ inputShape: [32, 32, 3], numClasses: 2 }));
    expect(numels(v)).toEqual(REFERENCE['vgg16-2'].tensorNumels);
    const r = keep(resnet18({ inputShape: [32, 32, 3], numClasses: 100 }));
    expect(trainableParamCount(r)).toBe(REFERENCE['resnet18-100'].trainable);
    expect(numels(r)).toEqual(REFERENCE['resnet18-100'].tensorNumels);
  });
});

describe('every model takes any input of at least 28 pixels and any class count', () => {
  const cases: Array<[string, (o: { inputShape: [number, number, number]; numClasses: number }) => tfl.LayersModel]> = [
    ['smallCnn', smallCnn],
    ['vgg16', vgg16],
    ['resnet18', resnet18],
  ];
  for (const [name, build] of cases) {
    it(`${name}: [28, 28, 1] → 7 logits and [36, 44, 3] → 3 logits, leaving no tensors behind`, async () => {
      for (const [inputShape, numClasses] of [[[28, 28, 1], 7], [[36, 44, 3], 3]] as const) {
        const model = keep(build({ inputShape: [...inputShape], numClasses }));
        expect(model.outputs[0].shape).toEqual([null, numClasses]);
        const logits = await expectNoLeak(() => tf.tidy(() => model.apply(tf.zeros([2, ...inputShape]), { training: false }) as tf.Tensor));
        expect(logits.shape).toEqual([2, numClasses]);
        expect([...logits.dataSync()].every(Number.isFinite)).toBe(true);
        logits.dispose();
      }
    });
  }
});

describe('PyTorch default initialisation', () => {
  it('draws conv/linear weights from U(±1/√fan_in) and biases likewise; BatchNorm starts at gamma 1, beta 0', () => {
    const model = keep(smallCnn({ inputShape: [32, 32, 3], numClasses: 10, rng: createRng(11) }));
    for (const w of model.trainableWeights) {
      const values = Array.from((w.read() as tf.Tensor).dataSync());
      const shape = w.shape as number[];
      if (w.name.endsWith('kernel')) {
        const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
        const bound = 1 / Math.sqrt(fanIn);
        const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        expect(max, w.name).toBeLessThanOrEqual(bound * (1 + 1e-6));
        expect(max, w.name).toBeGreaterThan(bound * 0.9);
        const std = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
        expect(std / (bound / Math.sqrt(3)), `${w.name}: std vs uniform's bound/√3`).toBeCloseTo(1, 1);
      } else if (w.name.endsWith('gamma')) {
        expect(values.every((v) => v === 1), w.name).toBe(true);
      } else if (w.name.endsWith('beta')) {
        expect(values.every((v) => v === 0), w.name).toBe(true);
      } else if (w.name.endsWith('bias')) {
        const fanIn = 64; // the logits layer: Linear(64, 10)
        expect(values.every((v) => Math.abs(v) <= 1 / Math.sqrt(fanIn)), w.name).toBe(true);
      }
    }
    const bn = model.getLayer('conv1_bn') as unknown as { momentum: number; epsilon: number };
    expect(bn.momentum).toBe(0.9); // PyTorch momentum 0.1 in Keras' convention
    expect(bn.epsilon).toBe(1e-5);
  });

  it('is deterministic by rng: the same seed gives the same weights, another seed other weights', () => {
    const weights = (seed: number) => keep(smallCnn({ inputShape: [28, 28, 1], numClasses: 10, rng: createRng(seed) })).getWeights().map((t) => [...t.dataSync()]);
    const a = weights(1);
    expect(weights(1)).toEqual(a);
    expect(weights(2)[0]).not.toEqual(a[0]);
  });
});

describe('model options are checked', () => {
  it('names the bad argument', () => {
    expect(() => vgg16({ inputShape: [32, 32] as never, numClasses: 10 })).toThrow(/Error in vgg16: inputShape must be \[height, width, channels\] of positive integers, but got \[32,32\]/);
    expect(() => resnet18({ inputShape: [32, 32, 3], numClasses: 0 })).toThrow(/Error in resnet18: numClasses must be a positive integer, but got 0/);
    expect(() => smallCnn({ inputShape: [32, 32, 3], numClasses: 10, widths: [8, 16] as never })).toThrow(/Error in smallCnn: widths must be three positive integers/);
    expect(() => smallCnn(null as never)).toThrow(/Error in smallCnn: options must be an object/);
  });
});
