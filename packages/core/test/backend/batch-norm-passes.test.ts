import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, initBackend } from '@bdst/core';
import { batchNormPasses } from '../../src/backend/kernels/batch-norm-passes.js';

/** Bit patterns, so that NaN, −0 and the last bit all count. */
const bits = (values: Float32Array | Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

interface Outputs {
  sums: Float64Array;
  y: Float32Array;
  gradientSums: Float64Array;
  dx: Float32Array;
}

/** All four passes over the same operands, with the SIMD kernels or the JavaScript loops; checks that nothing is left behind. */
function runPasses(shape: number[], simd: boolean, seed: string, rowBlock: number, offset: number): Outputs {
  const backend = tf.backend() as BackendWasm;
  const before = tf.memory().numTensors;
  const dataIds = backend.numDataIds();
  const channels = shape[shape.length - 1];
  const rng = createRng(seed);
  const size = tf.util.sizeFromShape(shape);
  const x = tf.tensor(Float32Array.from({ length: size }, () => rng.normal() * 3 + offset), shape);
  const dy = tf.tensor(Float32Array.from({ length: size }, () => rng.uniform(-1, 1)), shape);
  const mean = tf.tensor1d(Float32Array.from({ length: channels }, () => rng.normal() + offset));
  const perChannel = () => Float32Array.from({ length: channels }, () => rng.uniform(-2, 2));
  const [factor, shift, onDy, onX, constant] = [perChannel(), perChannel(), perChannel(), perChannel(), perChannel()];
  const y = tf.zeros(shape);
  const dx = tf.zeros(shape);
  const passes = batchNormPasses(backend, { simd });
  const sums = passes.sums(x, rowBlock);
  const gradientSums = passes.gradientSums(dy, x, mean, rowBlock);
  passes.affine(x, factor, shift, y);
  passes.gradientDx(dy, x, onDy, onX, constant, dx);
  const outputs: Outputs = { sums, gradientSums, y: y.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array };
  tf.dispose([x, dy, mean, y, dx]);
  expect(tf.memory().numTensors).toBe(before);
  expect(backend.numDataIds()).toBe(dataIds);
  return outputs;
}

describe('BatchNorm passes: the SIMD kernels equal the JavaScript loops bit for bit', () => {
  afterAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  });

  const cases = [
    { label: 'conv activations, C = 16 (4 vectors of 4 channels), several row blocks', shape: [4, 9, 7, 16], rowBlock: 37, offset: 0 },
    { label: 'C = 7 (a vector of 4 and 3 channels one at a time), last block partial', shape: [5, 5, 5, 7], rowBlock: 10, offset: 0 },
    { label: 'C = 3 (no vector), one block', shape: [2, 4, 4, 3], rowBlock: 4096, offset: 0 },
    { label: 'dense [33, 64], far from zero (mean 300: the centring matters)', shape: [33, 64], rowBlock: 64, offset: 300 },
    { label: 'a single row', shape: [1, 12], rowBlock: 341, offset: 1 },
  ];
  for (const c of cases) {
    it(`${c.label}, on 1 and 2 WASM threads`, async () => {
      await initBackend({ backend: 'wasm', threads: 1, quiet: true });
      const simd = runPasses(c.shape, true, c.label, c.rowBlock, c.offset);
      const javascript = runPasses(c.shape, false, c.label, c.rowBlock, c.offset);
      const channels = c.shape[c.shape.length - 1];
      expect(simd.sums.length).toBe(2 * channels);
      for (const key of ['sums', 'gradientSums', 'y', 'dx'] as const) {
        expect(bits(simd[key]).equals(bits(javascript[key])), `${key}: SIMD and JavaScript differ`).toBe(true);
      }
      await initBackend({ backend: 'wasm', threads: 2, quiet: true });
      const threaded = runPasses(c.shape, true, c.label, c.rowBlock, c.offset);
      for (const key of ['sums', 'gradientSums', 'y', 'dx'] as const) {
        expect(bits(threaded[key]).equals(bits(simd[key])), `${key}: 2 threads differ from 1`).toBe(true);
      }
    }, 60_000);
  }

  it('computes the sums and maps they name (against a direct float64 evaluation)', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const shape = [3, 5, 6];
    const out = runPasses(shape, true, 'direct', 4, 0.5);
    // Rebuild the operands with the same seed and compute each output directly.
    const rng = createRng('direct');
    const size = 90;
    const channels = 6;
    const x = Float32Array.from({ length: size }, () => rng.normal() * 3 + 0.5);
    const dy = Float32Array.from({ length: size }, () => rng.uniform(-1, 1));
    const mean = Float32Array.from({ length: channels }, () => rng.normal() + 0.5);
    const perChannel = () => Float32Array.from({ length: channels }, () => rng.uniform(-2, 2));
    const [factor, shift, onDy, onX, constant] = [perChannel(), perChannel(), perChannel(), perChannel(), perChannel()];
    for (let c = 0; c < channels; c++) {
      let s = 0;
      let q = 0;
      let g = 0;
      let gc = 0;
      for (let i = c; i < size; i += channels) {
        s += x[i];
        q += x[i] * x[i];
        g += dy[i];
        gc += dy[i] * (x[i] - mean[c]);
      }
      expect(out.sums[c]).toBeCloseTo(s, 9);
      expect(out.sums[channels + c]).toBeCloseTo(q, 8);
      expect(out.gradientSums[c]).toBeCloseTo(g, 9);
      expect(out.gradientSums[channels + c]).toBeCloseTo(gc, 8);
    }
    for (let i = 0; i < size; i++) {
      const c = i % channels;
      expect(out.y[i]).toBe(Math.fround(x[i] * factor[c] + shift[c]));
      expect(out.dx[i]).toBe(Math.fround(onDy[c] * dy[i] + onX[c] * x[i] + constant[c]));
    }
  });
});
