import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, initBackend, SgdMomentum } from '@bdst/core';

interface Run {
  weights: Float32Array[];
  buffers: Float32Array[];
  fusedCalls: number;
}

/**
 * Four SGD steps (an lr change after the second) of two variables, one of 15 values (not a
 * multiple of the 4-wide vectors) and one of 8, from fixed values and gradients. Returns the
 * final weights and momentum buffers and how many fused-kernel calls ran; checks for leaks.
 */
async function run(backend: 'cpu' | 'wasm', options: { momentum: number; weightDecay: number }): Promise<Run> {
  await initBackend({ backend, threads: 1, quiet: true });
  const rng = createRng(`sgd-${options.momentum}-${options.weightDecay}`);
  const values = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const before = tf.memory().numTensors;
  const shapes = [[3, 5], [8]];
  const variables = shapes.map((shape) => tf.tidy(() => tf.variable(tf.tensor(values(tf.util.sizeFromShape(shape)), shape))));
  const optimizer = new SgdMomentum({ lr: 0.05, ...options });
  let fusedCalls = 0;
  for (let step = 0; step < 4; step++) {
    if (step === 2) optimizer.lr = 0.0125;
    const gradients = shapes.map((shape) => tf.tensor(values(tf.util.sizeFromShape(shape)), shape));
    const profile = await tf.profile(() => optimizer.applyGradients(variables, gradients));
    fusedCalls += profile.kernels.filter((k) => k.name === 'BdstSgdMomentumUpdate').length;
    tf.dispose(gradients);
  }
  const state = await optimizer.getState();
  const result = {
    weights: variables.map((v) => v.dataSync().slice() as Float32Array),
    buffers: (state.buffers ?? []).map((b) => b.values),
    fusedCalls,
  };
  optimizer.dispose();
  tf.dispose(variables);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe("SgdMomentum's fused wasm update (BdstSgdMomentumUpdate) equals the tfjs ops bit for bit", () => {
  afterAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  });

  for (const options of [
    { momentum: 0.9, weightDecay: 1e-4 },
    { momentum: 0, weightDecay: 1e-4 },
    { momentum: 0.9, weightDecay: 0 },
    { momentum: 0, weightDecay: 0 },
  ]) {
    it(`momentum ${options.momentum}, weight decay ${options.weightDecay}: weights and buffers after 4 steps`, async () => {
      const cpu = await run('cpu', options);
      const wasm = await run('wasm', options);
      expect(cpu.fusedCalls).toBe(0);
      expect(wasm.fusedCalls, 'one fused call per variable per step').toBe(8);
      expect(wasm.weights.map(bits)).toEqual(cpu.weights.map(bits));
      expect(wasm.buffers.map(bits)).toEqual(cpu.buffers.map(bits));
      expect(wasm.buffers.length).toBe(options.momentum === 0 ? 0 : 2);
    });
  }

  it('names a gradient of the wrong dtype or shape, and a missing momentum buffer', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const w = tf.zeros([4]);
    const attrs = { lr: 0.1, momentum: 0.9, weightDecay: 0, first: false };
    expect(() => tf.engine().runKernel('BdstSgdMomentumUpdate', { w, g: tf.zeros([5]) }, { ...attrs, first: true })).toThrow(/g must be float32 of the variable's shape \[4\], got float32 \[5\]/);
    expect(() => tf.engine().runKernel('BdstSgdMomentumUpdate', { w, g: tf.zeros([4], 'int32') }, { ...attrs, first: true })).toThrow(/g must be float32/);
    expect(() => tf.engine().runKernel('BdstSgdMomentumUpdate', { w, g: tf.zeros([4]) }, attrs)).toThrow(/needs the momentum buffer b/);
    tf.disposeVariables();
    tf.dispose(w);
  });
});
