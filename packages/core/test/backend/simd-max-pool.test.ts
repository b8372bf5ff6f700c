import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { createRng, initBackend } from '@bdst/core';

/** Values with ties, NaNs, infinities and signed zeros next to ordinary ones. */
function awkwardValues(size: number, seed: string): Float32Array {
  const rng = createRng(seed);
  const pool = [0, -0, 1, 1, -1, 2, NaN, Infinity, -Infinity];
  return Float32Array.from({ length: size }, () => (rng.next() < 0.5 ? pool[Math.floor(rng.next() * pool.length)] : rng.uniform(-2, 2)));
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('bdst SIMD MaxPool (wasm) equals the CPU backend bit for bit', () => {
  const cases: Array<{ label: string; shape: [number, number, number, number]; filter: [number, number]; strides: [number, number]; pad: 'valid' | 'same' | number }> = [
    { label: "a CNN's 2×2 stride-2 pool, C = 8", shape: [3, 8, 6, 8], filter: [2, 2], strides: [2, 2], pad: 'valid' },
    { label: '2×2 stride 2, odd sizes, same padding, C = 13', shape: [2, 7, 9, 13], filter: [2, 2], strides: [2, 2], pad: 'same' },
    { label: "overlapping 3×3 stride-2 windows, same padding (ResNet's stem pool), C = 16", shape: [2, 9, 9, 16], filter: [3, 3], strides: [2, 2], pad: 'same' },
    { label: 'numeric padding 1, stride 1, C = 3', shape: [1, 5, 6, 3], filter: [3, 3], strides: [1, 1], pad: 1 },
    { label: 'a 3×2 window, strides 1×3, valid, C = 4', shape: [2, 6, 8, 4], filter: [3, 2], strides: [1, 3], pad: 'valid' },
  ];
  for (const c of cases) {
    it(`${c.label}, with ties, NaNs, infinities and signed zeros; and the gradient after it`, async () => {
      const values = awkwardValues(tf.util.sizeFromShape(c.shape), c.label);
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor4d(values, c.shape);
          const y = tf.maxPool(x, c.filter, c.strides, c.pad);
          const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.maxPool(input as tf.Tensor4D, c.filter, c.strides, c.pad)))(x);
          return [y.dataSync().slice() as Float32Array, dx.dataSync().slice() as Float32Array];
        });
      await initBackend({ backend: 'cpu', quiet: true });
      const [cpuY, cpuDx] = run();
      await initBackend({ backend: 'wasm', threads: 1, quiet: true });
      const backend = tf.backend() as BackendWasm;
      const before = tf.memory().numTensors;
      const dataIds = backend.numDataIds();
      const [wasmY, wasmDx] = run();
      expect(tf.memory().numTensors).toBe(before);
      expect(backend.numDataIds()).toBe(dataIds);
      expect(bits(wasmY)).toBe(bits(cpuY));
      expect(bits(wasmDx)).toBe(bits(cpuDx));
    });
  }

  it("skips a NaN as the CPU backend does: [NaN, 1, 2, 3] pools to 3 (tfjs-backend-wasm's stock kernel gave −∞), all-NaN to −∞", async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const y = tf.tidy(() => tf.maxPool(tf.tensor4d([NaN, 1, 2, 3, NaN, NaN, NaN, NaN], [2, 2, 2, 1]), 2, 2, 'valid').dataSync());
    expect(Array.from(y)).toEqual([3, -Infinity]);
  });
});
