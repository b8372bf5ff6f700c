import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { createRng, initBackend, SgdMomentum, smallCnn, trainStep } from '@bdst/core';
import { expectNoLeak } from '@bdst/test-utils';

interface BatchNormRun {
  y: Float32Array;
  dx: Float32Array;
  dGamma: Float32Array;
  dBeta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
}

/**
 * One training-mode forward + backward of a BatchNormalization layer on `backend`: on 'wasm' the
 * fused kernels run, on 'cpu' tfjs-layers' own moments + batchNormalization chain.
 */
async function runBatchNorm(backend: 'wasm' | 'cpu', shape: number[], seed: string, offset = 1.5): Promise<BatchNormRun> {
  await initBackend({ backend, threads: 1, quiet: true });
  const rng = createRng(seed);
  const channels = shape[shape.length - 1];
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * 3 + offset);
  const upstream = Float32Array.from({ length: values.length }, () => rng.uniform(-1, 1));
  const holder = tfl.sequential({ layers: [tfl.layers.batchNormalization({ inputShape: shape.slice(1), axis: -1, momentum: 0.9, epsilon: 1e-5 })] });
  const layer = holder.layers[0];
  layer.setWeights([
    tf.tensor1d(Float32Array.from({ length: channels }, () => rng.uniform(0.5, 1.5))),
    tf.tensor1d(Float32Array.from({ length: channels }, () => rng.uniform(-0.5, 0.5))),
    tf.tensor1d(Float32Array.from({ length: channels }, () => rng.uniform(-0.2, 0.2))),
    tf.tensor1d(Float32Array.from({ length: channels }, () => rng.uniform(0.8, 1.2))),
  ]);
  const result = await expectNoLeak(async () => {
    const x = tf.tensor(values, shape);
    const dyT = tf.tensor(upstream, shape);
    const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    let y: tf.Tensor | undefined;
    const { grads, value } = tf.variableGrads(() => {
      const out = layer.apply(x, { training: true }) as tf.Tensor;
      y = tf.keep(out.clone());
      return tf.sum(tf.mul(out, dyT)) as tf.Scalar;
    }, [gamma, beta]);
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, dyT)))(x);
    const run = {
      y: (await y!.data()) as Float32Array,
      dx: (await dx.data()) as Float32Array,
      dGamma: (await grads[gamma.name].data()) as Float32Array,
      dBeta: (await grads[beta.name].data()) as Float32Array,
      movingMean: layer.getWeights()[2].dataSync() as Float32Array,
      movingVariance: layer.getWeights()[3].dataSync() as Float32Array,
    };
    tf.dispose([x, dyT, y!, dx, value, ...Object.values(grads)]);
    return run;
  });
  holder.dispose();
  return result;
}

function expectClose(actual: Float32Array, expected: Float32Array, tolerance: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i] - e), `${what}[${i}]`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(e))));
}

describe('fused training-mode BatchNorm on wasm equals tfjs-layers on cpu', () => {
  const cases: Array<{ label: string; shape: number[]; offset?: number }> = [
    { label: 'NHWC conv activations [6, 5, 4, 3]', shape: [6, 5, 4, 3] },
    { label: 'dense activations [32, 7]', shape: [32, 7] },
    { label: 'a single image per channel row [1, 2, 2, 5]', shape: [1, 2, 2, 5] },
    { label: 'activations far from zero (mean 300, std 3: Σx² cancellation) [16, 4, 4, 3]', shape: [16, 4, 4, 3], offset: 300 },
  ];
  for (const c of cases) {
    it(`${c.label}: output, dx, dGamma, dBeta and the moving statistics`, async () => {
      const cpu = await runBatchNorm('cpu', c.shape, c.label, c.offset);
      const wasm = await runBatchNorm('wasm', c.shape, c.label, c.offset);
      expectClose(wasm.y, cpu.y, 1e-5, 'y');
      expectClose(wasm.dx, cpu.dx, 1e-4, 'dx');
      expectClose(wasm.dGamma, cpu.dGamma, 1e-4, 'dGamma');
      expectClose(wasm.dBeta, cpu.dBeta, 1e-5, 'dBeta');
      expectClose(wasm.movingMean, cpu.movingMean, 1e-6, 'movingMean');
      // Twice updated (two training-mode calls per run).
      expectClose(wasm.movingVariance, cpu.movingVariance, 1e-5, 'movingVariance');
    });
  }

  it('dx is the true gradient: a finite-difference check on wasm', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const rng = createRng('finite-difference');
    const shape = [4, 3, 3, 2];
    const values = Float64Array.from({ length: 72 }, () => rng.normal());
    const weights = Float32Array.from({ length: 72 }, () => rng.uniform(-1, 1));
    const holder = tfl.sequential({ layers: [tfl.layers.batchNormalization({ inputShape: shape.slice(1), axis: -1, epsilon: 1e-3 })] });
    const layer = holder.layers[0];
    const loss = (v: ArrayLike<number>) =>
      tf.tidy(() => tf.sum(tf.mul(tf.square(layer.apply(tf.tensor(Float32Array.from(v), shape), { training: true }) as tf.Tensor), tf.tensor(weights, shape))).dataSync()[0]);
    const dx = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.square(layer.apply(x, { training: true }) as tf.Tensor), tf.tensor(weights, shape))))(tf.tensor(Float32Array.from(values), shape)).dataSync());
    for (const i of [0, 17, 40, 71]) {
      const h = 1e-2;
      const plus = Array.from(values);
      const minus = Array.from(values);
      plus[i] += h;
      minus[i] -= h;
      const numeric = (loss(plus) - loss(minus)) / (2 * h);
      expect(Math.abs(dx[i] - numeric), `element ${i}: analytic ${dx[i]} numeric ${numeric}`).toBeLessThanOrEqual(2e-2 * (1 + Math.abs(numeric)));
    }
    holder.dispose();
  });

  it('a smallCnn training step gives the same loss and weights on wasm (fused) and cpu (stock)', async () => {
    const step = async (backend: 'wasm' | 'cpu') => {
      await initBackend({ backend, threads: 1, quiet: true });
      const model = smallCnn({ inputShape: [8, 8, 3], numClasses: 4, widths: [4, 6, 8], rng: createRng('bn-step') });
      const optimizer = new SgdMomentum({ lr: 0.1 });
      const rng = createRng('bn-step-data');
      const images = tf.tensor4d(Float32Array.from({ length: 6 * 8 * 8 * 3 }, () => rng.uniform(0, 1)), [6, 8, 8, 3]);
      const labels = Int32Array.from([0, 1, 2, 3, 0, 1]);
      let first = { loss: NaN, correct: 0 };
      const profile = await tf.profile(async () => {
        first = await trainStep(model, optimizer, images, labels);
      });
      const fused = profile.kernels.filter((k) => k.name.startsWith('BdstBatchNormTraining')).length;
      await trainStep(model, optimizer, images, labels);
      const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
      tf.dispose(images);
      optimizer.dispose();
      model.dispose();
      return { loss: first.loss, weights, fused };
    };
    const cpu = await step('cpu');
    const wasm = await step('wasm');
    // smallCnn has 3 BatchNorm layers: 3 fused forwards + 3 fused gradients on wasm, none on cpu.
    expect(wasm.fused).toBe(6);
    expect(cpu.fused).toBe(0);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThanOrEqual(1e-5);
    wasm.weights.forEach((w, i) => expectClose(w, cpu.weights[i], 1e-4, `weight ${i}`));
  });
});
