import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { initBackend } from '@bdst/core';
import { expectNoLeak } from '@bdst/test-utils';
import { relativeError } from './conv-kernel-harness.js';

/**
 * A small residual CNN with every layer kind bdst's models train: Conv2D (stride 1 and 2,
 * 'same'), BatchNormalization, ReLU, MaxPooling2D, AveragePooling2D, DepthwiseConv2D,
 * GlobalAveragePooling2D, Dropout, Dense and an Add (residual). Seeded initializers, so it is
 * identical on every backend.
 */
function buildCnn(): tfl.LayersModel {
  const seeded = (seed: number) => tfl.initializers.glorotNormal({ seed });
  const input = tfl.input({ shape: [12, 12, 3] });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
  let h = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: seeded(1) }), input);
  h = apply(tfl.layers.batchNormalization(), h);
  h = apply(tfl.layers.reLU(), h);
  let r = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: seeded(2) }), h);
  r = apply(tfl.layers.batchNormalization(), r);
  h = apply(tfl.layers.activation({ activation: 'relu' }), apply(tfl.layers.add(), [h, r]));
  h = apply(tfl.layers.maxPooling2d({ poolSize: 2 }), h);
  h = apply(tfl.layers.conv2d({ filters: 12, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: seeded(3) }), h);
  h = apply(tfl.layers.averagePooling2d({ poolSize: 2, padding: 'same' }), h);
  h = apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2, depthwiseInitializer: seeded(4) }), h);
  h = apply(tfl.layers.globalAveragePooling2d({}), h);
  h = apply(tfl.layers.dropout({ rate: 0.25, seed: 5 }), h);
  const logits = apply(tfl.layers.dense({ units: 10, kernelInitializer: seeded(6) }), h);
  return tfl.model({ inputs: input, outputs: logits });
}

interface StepResult {
  loss: number;
  /** Gradient per trainable weight, keyed by its position in `model.trainableWeights`. */
  gradients: Float32Array[];
  lossAfterStep: number;
}

/** One SGD training step on `backend` (softmax cross-entropy, gradients by tf.variableGrads). */
async function trainingStep(backend: 'wasm' | 'cpu'): Promise<StepResult> {
  await initBackend({ backend, quiet: true });
  const model = buildCnn();
  const x = tf.randomUniform([6, 12, 12, 3], 0, 1, 'float32', 11);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32'), 10);
  const lossOf = () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  const optimizer = tf.train.sgd(0.05);
  const result = await expectNoLeak(() => {
    const { value, grads } = tf.variableGrads(lossOf);
    const gradients = model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name].dataSync() as Float32Array);
    const loss = value.dataSync()[0];
    optimizer.applyGradients(grads);
    tf.dispose([value, grads]);
    const after = tf.tidy(lossOf);
    const lossAfterStep = after.dataSync()[0];
    after.dispose();
    return { loss, gradients, lossAfterStep };
  });
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return result;
}

describe('training a CNN on wasm', () => {
  it('runs a full training step whose loss and gradients equal the cpu backend ones', async () => {
    const wasm = await trainingStep('wasm');
    const cpu = await trainingStep('cpu');
    // 5 kernels (4 convolutions, 1 dense) + 4 biases + 2 batch-norm gammas and betas.
    expect(wasm.gradients).toHaveLength(13);
    expect(cpu.gradients).toHaveLength(13);
    expect(Math.abs(wasm.loss - cpu.loss) / cpu.loss).toBeLessThanOrEqual(1e-5);
    cpu.gradients.forEach((gradient, i) => {
      const scale = Math.max(...Array.from(gradient, Math.abs));
      if (scale < 1e-6) {
        // The bias of the convolution feeding a batch norm: its true gradient is exactly 0.
        expect(Math.max(...Array.from(wasm.gradients[i], Math.abs)), `trainable weight ${i}`).toBeLessThan(1e-6);
      } else {
        expect(relativeError(wasm.gradients[i], gradient), `trainable weight ${i}`).toBeLessThanOrEqual(1e-4);
      }
    });
    expect(cpu.gradients.filter((g) => Math.max(...Array.from(g, Math.abs)) < 1e-6)).toHaveLength(1);
    expect(wasm.lossAfterStep).toBeLessThan(wasm.loss);
    expect(Math.abs(wasm.lossAfterStep - cpu.lossAfterStep) / cpu.lossAfterStep).toBeLessThanOrEqual(1e-4);
  });
});
