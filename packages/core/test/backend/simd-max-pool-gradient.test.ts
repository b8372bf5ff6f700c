import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { createRng, initBackend } from '@bdst/core';
import { maxPoolGrad2x2 } from '../../src/backend/kernels/max-pool-grad.js';

/**
 * Values with many ties, NaNs, infinities and signed zeros, so that every rule of the 2×2 pass
 * (first maximum wins ties, an all-NaN window sends its gradient nowhere, a NaN never wins) is
 * exercised in every lane.
 */
function awkwardValues(size: number, seed: string): Float32Array {
  const rng = createRng(seed);
  const pool = [0, -0, 1, 1, -1, 2, NaN, Infinity, -Infinity];
  return Float32Array.from({ length: size }, () => (rng.next() < 0.6 ? pool[Math.floor(rng.next() * pool.length)] : rng.uniform(-2, 2)));
}

describe('bdst SIMD 2×2 max-pool gradient (wasm) equals its JavaScript pass bit for bit', () => {
  const shapes: Array<{ label: string; shape: [number, number, number, number] }> = [
    { label: 'C = 8 (two vectors)', shape: [3, 8, 6, 8] },
    { label: 'C = 16, odd height and width (a trailing row and column outside every window)', shape: [2, 7, 9, 16] },
    { label: 'C = 13 (three vectors and one channel alone)', shape: [2, 6, 6, 13] },
    { label: 'C = 3 (no vector)', shape: [2, 4, 6, 3] },
  ];
  for (const c of shapes) {
    it(`${c.label}, with ties, NaNs, infinities and signed zeros`, async () => {
      await initBackend({ backend: 'wasm', threads: 1, quiet: true });
      const backend = tf.backend() as BackendWasm;
      const info = backend_util.computePool2DInfo(c.shape, [2, 2], [2, 2], 1, 'valid');
      const values = awkwardValues(tf.util.sizeFromShape(c.shape), c.label);
      const upstream = awkwardValues(tf.util.sizeFromShape(info.outShape), `${c.label} dy`);
      const before = tf.memory().numTensors;
      const dataIds = backend.numDataIds();
      const x = tf.tensor4d(values, c.shape);
      const dy = tf.tensor4d(upstream, info.outShape as [number, number, number, number]);
      const pooled = tf.maxPool(x, 2, 2, 'valid');
      const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: pooled }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
      const simd = dx.dataSync() as Float32Array;
      tf.dispose([x, dy, pooled, dx]);
      expect(tf.memory().numTensors).toBe(before);
      expect(backend.numDataIds()).toBe(dataIds);
      const javascript = new Float32Array(values.length).fill(NaN);
      maxPoolGrad2x2(values, upstream, javascript, info);
      expect(Buffer.from(simd.buffer, simd.byteOffset, simd.byteLength).equals(Buffer.from(javascript.buffer))).toBe(true);
      // The rule itself in the first window of the first image: strictly greater replaces, from −∞ (so ties keep the first, and a window of NaNs or −∞ gets nothing).
      const window = [0, c.shape[3], c.shape[2] * c.shape[3], (c.shape[2] + 1) * c.shape[3]];
      for (let ch = 0; ch < c.shape[3]; ch++) {
        let best = -Infinity;
        let winner = -1;
        window.forEach((p, k) => {
          if (values[p + ch] > best) {
            best = values[p + ch];
            winner = k;
          }
        });
        window.forEach((p, k) => expect(Object.is(simd[p + ch], k === winner ? upstream[ch] : 0), `channel ${ch}, input ${k}`).toBe(true));
      }
    });
  }
});
