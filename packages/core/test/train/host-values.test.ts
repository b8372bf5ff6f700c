import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@bdst/core';
import { copyTensorsToHost, readHostValues, tensorFromHostCopy } from '../../src/train/host-values.js';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`host values (${backend})`, () => {
    let start = 0;
    beforeAll(async () => {
      await initBackend({ backend, quiet: true });
      start = tf.memory().numTensors;
    });
    afterAll(() => {
      expect(tf.memory().numTensors, 'tensors leaked by the file').toBe(start);
    });

    it('readHostValues reads a tensor, including one computed by a kernel; refuses other dtypes', () => {
      const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
      const b = tf.mul(a, 2);
      expect(readHostValues(a, (values) => Array.from(values))).toEqual([1, 2, 3, 4, 5, 6]);
      expect(readHostValues(b, (values) => Array.from(values))).toEqual([2, 4, 6, 8, 10, 12]);
      const ints = tf.tensor1d([1, 2], 'int32');
      expect(() => readHostValues(ints, () => 0)).toThrow(/readHostValues: expected a float32 tensor, but got int32/);
      tf.dispose([a, b, ints]);
    });

    it('copyTensorsToHost packs tensors end to end from an offset and refuses to overrun', () => {
      const parts = [tf.tensor1d([1, 2, 3]), tf.tensor2d([[4, 5], [6, 7]]), tf.scalar(8)];
      const target = new Float32Array(new SharedArrayBuffer(10 * 4)).fill(-1);
      expect(copyTensorsToHost(parts, target, 1)).toBe(9);
      expect(Array.from(target)).toEqual([-1, 1, 2, 3, 4, 5, 6, 7, 8, -1]);
      expect(() => copyTensorsToHost(parts, target, 3)).toThrow(/copyTensorsToHost: 1 values from offset 10 overrun a buffer of 10/);
      tf.dispose(parts);
    });

    it('tensorFromHostCopy keeps its values when the source is overwritten afterwards', () => {
      const source = new Float32Array(new SharedArrayBuffer(4 * 4));
      source.set([1, 2, 3, 4]);
      const t = tensorFromHostCopy(source.subarray(1, 4), [3]);
      source.fill(0);
      expect(Array.from(t.dataSync())).toEqual([2, 3, 4]);
      expect(t.shape).toEqual([3]);
      t.dispose();
    });
  });
}
