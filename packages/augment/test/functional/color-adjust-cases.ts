import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectNoLeak } from '@bdst/test-utils';
import { caseLabel, fixtureCases, fixtureInput, fixtureOutput, maxAbsDiff } from '../torchvision-fixtures.js';
import { expectBatchedEqualsUnbatched } from '../batch-consistency.js';

type Adjust = (x: Tensor4D, factors: number | ArrayLike<number>) => Tensor4D;

/**
 * The specs every per-sample colour adjustment shares: torchvision fixtures within 1e-3, batched
 * equals unbatched, an empty batch, leaks, and clear errors for a wrong number of factors.
 * Call inside a `describeBackends` block. Test support only.
 */
export function colorAdjustSpecs(name: string, fn: Adjust, invalidFactor: number, invalidMessage: RegExp): void {
  for (const c of fixtureCases(name)) {
    it(`matches torchvision within 1e-3: ${caseLabel(c)}`, async () => {
      const x = fixtureInput(c.input);
      const y = await expectNoLeak(() => fn(x, c.params.factors as number | number[]));
      const want = fixtureOutput(c);
      expect(y.shape).toEqual(want.shape);
      expect(maxAbsDiff(await y.data(), want.values)).toBeLessThanOrEqual(1e-3);
      tf.dispose([x, y]);
    });
  }

  it('batched equals unbatched (bit for bit)', async () => {
    const x = fixtureInput('rgb');
    const factors = fixtureCases(name)[0].params.factors as number[];
    await expectBatchedEqualsUnbatched(x, (t, picks) => fn(t, picks.map((i) => factors[i])));
    x.dispose();
  });

  it('works on an empty batch', async () => {
    const x = tf.zeros([0, 5, 5, 3]) as Tensor4D;
    const y = await expectNoLeak(() => fn(x, []));
    expect(y.shape).toEqual([0, 5, 5, 3]);
    tf.dispose([x, y]);
  });

  it('rejects a wrong number of factors, a bad factor and a bad channel count', () => {
    const x = tf.zeros([2, 3, 3, 3]) as Tensor4D;
    const x4 = tf.zeros([1, 3, 3, 4]) as Tensor4D;
    expect(() => fn(x, [0.5, 0.5, 0.5])).toThrow(new RegExp(`Error in ${name}: factors must have one value per sample \\(2\\), but got 3`));
    expect(() => fn(x, invalidFactor)).toThrow(invalidMessage);
    expect(() => fn(x, [0.1, Number.NaN])).toThrow(/factors\[1\]/);
    expect(() => fn(x4, 0.1)).toThrow(/must have 1 \(gray\) or 3 \(RGB\) channels, but got 4/);
    tf.dispose([x, x4]);
  });
}
