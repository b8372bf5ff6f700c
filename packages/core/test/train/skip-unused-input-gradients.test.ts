import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, initBackend, resnet18, SgdMomentum, skipUnusedInputGradients, smallCnn, trainStep } from '@bdst/core';

const build = () => smallCnn({ inputShape: [12, 12, 3], numClasses: 5, widths: [4, 6, 8], rng: createRng('skip-dx') });
const values = (ts: tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

function batch(n: number): { images: tf.Tensor4D; labels: Int32Array } {
  const rng = createRng('skip-dx-batch');
  const images = tf.tensor4d(Float32Array.from({ length: n * 12 * 12 * 3 }, () => rng.next()), [n, 12, 12, 3]);
  return { images, labels: Int32Array.from({ length: n }, (_, i) => i % 5) };
}

/** The loss of `model` on the batch, in training mode. */
function loss(model: tfl.LayersModel, images: tf.Tensor4D, labels: Int32Array): tf.Scalar {
  const logits = model.apply(images, { training: true }) as tf.Tensor2D;
  return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 5), logits) as tf.Scalar;
}

/** Names and counts of the kernels `f` runs. */
async function kernelsOf(f: () => void): Promise<Map<string, number>> {
  const info = await tf.profile(() => {
    f();
    return [];
  });
  const counts = new Map<string, number>();
  for (const k of info.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  return counts;
}

describe('skipUnusedInputGradients (wasm)', () => {
  let start = 0;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    start = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors, 'tensors leaked by the file').toBe(start);
  });

  it('drops the first convolution’s input gradient from a weight-gradient pass, with bit-identical loss and gradients', async () => {
    const stock = build();
    const skipping = build();
    skipUnusedInputGradients(skipping);
    const { images, labels } = batch(6);
    const gradsOf = (model: tfl.LayersModel) => {
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => loss(model, images, labels), variables);
      return [value, ...variables.map((v) => grads[v.name])];
    };
    let stockOut: tf.Tensor[] = [];
    let skippingOut: tf.Tensor[] = [];
    const stockKernels = await kernelsOf(() => (stockOut = gradsOf(stock).map((t) => tf.keep(t))));
    const skippingKernels = await kernelsOf(() => (skippingOut = gradsOf(skipping).map((t) => tf.keep(t))));
    expect(values(skippingOut)).toEqual(values(stockOut));
    // smallCnn has three convolutions: all three input gradients before, the first one skipped after.
    expect(stockKernels.get('Conv2DBackpropInput')).toBe(3);
    expect(skippingKernels.get('Conv2DBackpropInput')).toBe(2);
    expect(stockKernels.get('Conv2DBackpropFilter')).toBe(3);
    expect(skippingKernels.get('Conv2DBackpropFilter')).toBe(3);
    tf.dispose([...stockOut, ...skippingOut, images]);
    [stock, skipping].forEach((m) => m.dispose());
  });

  it('still gives the gradient with respect to the images when it is asked for (bit-identical to the fused path)', () => {
    const stock = build();
    const skipping = build();
    skipUnusedInputGradients(skipping);
    const { images, labels } = batch(3);
    const [a, b] = [stock, skipping].map((model) => tf.tidy(() => tf.grad((x: tf.Tensor) => loss(model, x as tf.Tensor4D, labels))(images)));
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([a, b, images]);
    [stock, skipping].forEach((m) => m.dispose());
  });

  it('trainStep uses it: same weights as the fused path after three steps, and inference and serialization are unchanged', async () => {
    const reference = build();
    const trained = build();
    const { images, labels } = batch(8);
    // The reference: the same three SGD steps with the stock layers (gradients from tf.variableGrads).
    const optRef = new SgdMomentum({ lr: 0.1 });
    const variables = reference.trainableWeights.map((w) => w.read() as tf.Variable);
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(() => loss(reference, images, labels), variables);
      optRef.applyGradients(variables, variables.map((v) => grads[v.name]));
      tf.dispose([value, ...Object.values(grads)]);
    }
    const opt = new SgdMomentum({ lr: 0.1 });
    for (let i = 0; i < 3; i++) await trainStep(trained, opt, images, labels);
    expect(values(trained.getWeights())).toEqual(values(reference.getWeights()));
    const [p, q] = [reference, trained].map((m) => m.predict(images) as tf.Tensor);
    expect(Array.from(q.dataSync())).toEqual(Array.from(p.dataSync()));
    expect(JSON.stringify(trained.toJSON(null, false))).toEqual(JSON.stringify(reference.toJSON(null, false)));
    tf.dispose([p, q, images]);
    [optRef, opt].forEach((o) => o.dispose());
    [reference, trained].forEach((m) => m.dispose());
  });

  it('leaves layers with a bias or an activation, layers not on a model input, and ResNet-18’s inner convolutions alone; is idempotent', async () => {
    const input = tfl.input({ shape: [8, 8, 3] });
    const biased = tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'biased' });
    const activated = tfl.layers.conv2d({ filters: 2, kernelSize: 3, useBias: false, activation: 'relu', padding: 'same', name: 'activated' });
    const plain = tfl.layers.conv2d({ filters: 2, kernelSize: 3, useBias: false, padding: 'same', name: 'plain' });
    const inner = tfl.layers.conv2d({ filters: 2, kernelSize: 3, useBias: false, padding: 'same', name: 'inner' });
    const merged = tfl.layers.concatenate().apply([biased.apply(input), activated.apply(input), plain.apply(input)] as tfl.SymbolicTensor[]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: inner.apply(merged) as tfl.SymbolicTensor });
    const callOf = (layer: tfl.layers.Layer) => (layer as unknown as { call: unknown }).call;
    const before = [biased, activated, plain, inner].map(callOf);
    skipUnusedInputGradients(model);
    skipUnusedInputGradients(model);
    const after = [biased, activated, plain, inner].map(callOf);
    expect(after.map((c, i) => c === before[i])).toEqual([true, true, false, true]);
    model.dispose();

    const net = resnet18({ inputShape: [8, 8, 3], numClasses: 2, rng: createRng('skip-dx-resnet') });
    skipUnusedInputGradients(net);
    const own = net.layers.filter((l) => Object.prototype.hasOwnProperty.call(l, 'call')).map((l) => l.name);
    expect(own).toEqual(['stem_conv']);
    net.dispose();
  });
});
