import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { rotate } from '@bdst/augment';
import { caseLabel, fixtureCases, fixtureInput, fixtureOutput, fractionEqual, maxAbsDiff } from '../torchvision-fixtures.js';
import { expectBatchedEqualsUnbatched } from '../batch-consistency.js';

/** Fraction of pixels whose every channel is exactly equal. */
function fractionOfPixelsEqual(a: ArrayLike<number>, b: ArrayLike<number>, channels: number): number {
  if (a.length !== b.length) return 0;
  let same = 0;
  for (let p = 0; p < a.length; p += channels) {
    let ok = true;
    for (let k = 0; k < channels; k++) ok &&= a[p + k] === b[p + k];
    if (ok) same++;
  }
  return same / (a.length / channels);
}

describeBackends('rotate', () => {
  for (const c of fixtureCases('rotate')) {
    const nearest = c.params.interpolation === 'nearest';
    it(`matches torchvision (${nearest ? '≥ 99% of pixels equal' : 'within 1e-3'}): ${caseLabel(c)}`, async () => {
      const x = fixtureInput(c.input);
      const y = await expectNoLeak(() =>
        rotate(x, c.params.angles as number[], { interpolation: c.params.interpolation as 'nearest' | 'bilinear', fill: c.params.fill as number }),
      );
      const want = fixtureOutput(c);
      expect(y.shape).toEqual(want.shape);
      const got = await y.data();
      if (nearest) expect(fractionOfPixelsEqual(got, want.values, want.shape[3])).toBeGreaterThanOrEqual(0.99);
      else expect(maxAbsDiff(got, want.values)).toBeLessThanOrEqual(1e-3);
      tf.dispose([x, y]);
    });
  }

  it('0° is the identity, 90° moves the top-right corner to the top-left, fill shows outside', async () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const same = rotate(x, 0);
    expect(Array.from(await same.data())).toEqual([1, 2, 3, 4]);
    const quarter = rotate(x, 90);
    expect(Array.from(await quarter.data())).toEqual([2, 4, 1, 3]);
    const wide = tf.ones([1, 5, 5, 1]) as Tensor4D;
    const filled = rotate(wide, 45, { fill: 0.5 });
    const v = Array.from(await filled.data());
    expect(v[12]).toBe(1);
    expect(v[0]).toBe(0.5);
    expect(fractionEqual(v, new Array(25).fill(1))).toBeGreaterThan(0.5);
    expect(v.every((a) => a === 1 || a === 0.5)).toBe(true);
    tf.dispose([x, same, quarter, wide, filled]);
  });

  it('batched equals unbatched (both interpolations); an empty batch works', async () => {
    const x = fixtureInput('rgb');
    const angles = [12.5, 180, -33.3, 270];
    for (const interpolation of ['nearest', 'bilinear'] as const) {
      await expectBatchedEqualsUnbatched(x, (t, picks) => rotate(t, picks.map((i) => angles[i]), { interpolation, fill: 0.2 }));
    }
    const empty = tf.zeros([0, 5, 5, 3]) as Tensor4D;
    const y = await expectNoLeak(() => rotate(empty, []));
    expect(y.shape).toEqual([0, 5, 5, 3]);
    tf.dispose([x, empty, y]);
  });

  it('rejects a wrong number of angles, a non-finite angle, bad interpolation and fill', () => {
    const x = tf.zeros([2, 4, 4, 3]) as Tensor4D;
    expect(() => rotate(x, [1, 2, 3])).toThrow(/Error in rotate: angles must have one value per sample \(2\), but got 3/);
    expect(() => rotate(x, Number.POSITIVE_INFINITY)).toThrow(/Error in rotate: angles must be a finite number, but got Infinity/);
    expect(() => rotate(x, 1, { interpolation: 'cubic' as 'nearest' })).toThrow(/interpolation must be 'nearest' or 'bilinear', but got cubic/);
    expect(() => rotate(x, 1, { fill: Number.NaN })).toThrow(/fill must be a finite number, but got NaN/);
    x.dispose();
  });
});
