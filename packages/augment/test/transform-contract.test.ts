import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, initBackend } from '@bdst/core';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { bitsOf } from './batch-consistency.js';
import { seededBatch, transformCatalog } from './transform-catalog.js';

describeBackends('every transform', () => {
  for (const { name, transform, random } of transformCatalog) {
    describe(name, () => {
      it('leaks nothing, keeps the batch size and values in [0, 1], leaves the input unchanged', async () => {
        const x = seededBatch(5);
        const before = await bitsOf(x);
        const y = await expectNoLeak(() => transform(x, createRng(1)));
        expect(y.shape[0]).toBe(5);
        expect(y.shape[3]).toBe(3);
        expect(y).not.toBe(x);
        const v = await y.data();
        expect(v.every((a) => a >= 0 && a <= 1)).toBe(true);
        expect(await bitsOf(x)).toEqual(before);
        tf.dispose([x, y]);
      });

      it('works on an empty batch', async () => {
        const x = tf.zeros([0, 12, 10, 3]) as Tensor4D;
        const y = await expectNoLeak(() => transform(x, createRng(1)));
        expect(y.shape[0]).toBe(0);
        tf.dispose([x, y]);
      });

      it(random ? 'the same seed gives bit-identical outputs; different seeds differ' : 'is deterministic', async () => {
        const x = seededBatch(8);
        const a = transform(x, createRng('seed-a'));
        const b = transform(x, createRng('seed-a'));
        expect(await bitsOf(a)).toEqual(await bitsOf(b));
        const c = transform(x, createRng('seed-b'));
        if (random) expect(await bitsOf(c)).not.toEqual(await bitsOf(a));
        else expect(await bitsOf(c)).toEqual(await bitsOf(a));
        tf.dispose([x, a, b, c]);
      });
    });
  }
});

describe('every transform gives bit-identical outputs on WASM and CPU for the same seed', () => {
  for (const { name, transform } of transformCatalog) {
    it(name, async () => {
      const bits: number[][] = [];
      for (const backend of ['wasm', 'cpu'] as const) {
        await initBackend({ backend, quiet: true });
        const x = seededBatch(6);
        const y = transform(x, createRng(2024));
        bits.push(await bitsOf(y));
        tf.dispose([x, y]);
      }
      expect(bits[1]).toEqual(bits[0]);
    });
  }
});
