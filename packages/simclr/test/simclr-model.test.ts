import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { createRng, smallCnn, trainableParamCount } from '@bdst/core';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { createSimclrModel } from '@bdst/simclr';

describeBackends('createSimclrModel', () => {
  it('cuts the classifier off smallCnn and adds a 2-layer MLP head to projectionDim', async () => {
    const m = createSimclrModel({ encoder: 'smallCnn', inputShape: [16, 16, 3], widths: [4, 8, 12], projectionDim: 6, hiddenDim: 10, rng: createRng(1) });
    expect(m.featureDim).toBe(12);
    expect(m.hiddenDim).toBe(10);
    expect(m.projectionDim).toBe(6);
    expect(m.encoder.outputs[0].shape).toEqual([null, 12]);
    expect(m.network.outputs[0].shape).toEqual([null, 6]);
    expect(m.encoder.layers.some((l) => l.getClassName() === 'Dense')).toBe(false);
    const dense = m.network.layers.filter((l) => l.getClassName() === 'Dense');
    expect(dense.map((l) => l.outputShape)).toEqual([[null, 10], [null, 6]]);
    // Head parameters: 12·10 + 10 + 10·6 + 6 on top of the shared encoder's.
    expect(trainableParamCount(m.network) - trainableParamCount(m.encoder)).toBe(12 * 10 + 10 + 10 * 6 + 6);
    const x = tf.randomUniform([3, 16, 16, 3], 0, 1, 'float32', 2);
    const [h, z] = await expectNoLeak(() => [m.encoder.predict(x) as tf.Tensor, m.network.predict(x) as tf.Tensor]);
    expect(h.shape).toEqual([3, 12]);
    expect(z.shape).toEqual([3, 6]);
    tf.dispose([x, h, z]);
    m.network.dispose();
  });

  it('frees every weight with network.dispose(), the cut-off classifier included', () => {
    const before = tf.memory().numTensors;
    const m = createSimclrModel({ encoder: 'smallCnn', inputShape: [16, 16, 1], widths: [2, 2, 4], rng: createRng(6) });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    m.network.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shares the encoder weights between encoder and network', () => {
    const m = createSimclrModel({ encoder: 'smallCnn', inputShape: [16, 16, 1], widths: [2, 2, 4], rng: createRng(3) });
    expect(m.projectionDim).toBe(128);
    expect(m.hiddenDim).toBe(4); // defaults to the feature size, as SimCLR's head
    const encoderWeights = new Set(m.encoder.weights.map((w) => w.read().id));
    expect(m.network.weights.filter((w) => encoderWeights.has(w.read().id))).toHaveLength(m.encoder.weights.length);
    m.network.dispose();
  });

  it('builds the ResNet-18 encoder with 512 features and the paper head 512 → 512 → 128', () => {
    const m = createSimclrModel({ encoder: 'resnet18', inputShape: [32, 32, 3], rng: createRng(4) });
    expect(m.featureDim).toBe(512);
    expect(m.network.outputs[0].shape).toEqual([null, 128]);
    // ResNet-18 without its Linear(512, 10): 11,173,962 − 5,130 parameters.
    expect(trainableParamCount(m.encoder)).toBe(11_173_962 - 5_130);
    m.network.dispose();
  });

  it('takes a given classifier, dropping its final Dense layer, or a feature model as it is', () => {
    const classifier = smallCnn({ inputShape: [16, 16, 3], numClasses: 10, widths: [2, 4, 6], rng: createRng(5) });
    const m = createSimclrModel({ encoder: classifier, projectionDim: 3 });
    expect(m.featureDim).toBe(6);
    const input = tfl.input({ shape: [16, 16, 3] });
    const pooled = tfl.layers.globalAveragePooling2d({}).apply(input) as tfl.SymbolicTensor;
    const features = tfl.model({ inputs: input, outputs: pooled });
    const f = createSimclrModel({ encoder: features, projectionDim: 2 });
    expect(f.encoder).toBe(features);
    expect(f.featureDim).toBe(3);
    m.network.dispose();
    f.network.dispose();
  });

  it('rejects bad options, naming them', () => {
    expect(() => createSimclrModel({ encoder: 'vgg' as never, inputShape: [16, 16, 3] })).toThrow(/Error in createSimclrModel: options.encoder must be 'resnet18', 'smallCnn' or a tf.LayersModel, but got "vgg"/);
    expect(() => createSimclrModel({ encoder: 'smallCnn' })).toThrow(/options.inputShape \(\[height, width, channels\]\) is required with encoder 'smallCnn'/);
    expect(() => createSimclrModel({ encoder: 'smallCnn', inputShape: [16, 16, 3], projectionDim: 0 })).toThrow(/options.projectionDim must be an integer ≥ 1, but got 0/);
    expect(() => createSimclrModel({ encoder: 'smallCnn', inputShape: [16, 16, 3], hiddenDim: 1.5 })).toThrow(/options.hiddenDim must be an integer ≥ 1, but got 1.5/);
    const input = tfl.input({ shape: [16, 16, 3] });
    const map = tfl.model({ inputs: input, outputs: tfl.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(input) as tfl.SymbolicTensor });
    expect(() => createSimclrModel({ encoder: map })).toThrow(/the encoder's features must be rank 2 \[batch, dim\], but have shape \[,14,14,2\]/);
  });
}, ['wasm']);
