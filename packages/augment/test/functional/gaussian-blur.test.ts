import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { gaussianBlur, gaussianKernel1d } from '@bdst/augment';
import { fixtureInput, maxAbsDiff, torchvisionFixtureSpecs } from '../torchvision-fixtures.js';
import { expectBatchedEqualsUnbatched } from '../batch-consistency.js';

describeBackends('gaussianBlur', () => {
  torchvisionFixtureSpecs('gaussianBlur', (x, p) => gaussianBlur(x, p.kernelSize as number | [number, number], p.sigma as number | number[]));

  it('kernel size 1 is the identity; a constant image stays constant', async () => {
    const x = fixtureInput('rgb');
    const y = await expectNoLeak(() => gaussianBlur(x, 1, 2));
    expect(maxAbsDiff(await y.data(), await x.data())).toBe(0);
    const flat = tf.fill([2, 6, 5, 3], 0.25) as Tensor4D;
    const b = await expectNoLeak(() => gaussianBlur(flat, 5, [0.7, 3]));
    expect(maxAbsDiff(await b.data(), await flat.data())).toBeLessThan(1e-6);
    tf.dispose([x, y, flat, b]);
  });

  it('batched equals unbatched (per-sample sigma)', async () => {
    const x = fixtureInput('rgb');
    const sigmas = [0.3, 1, 2.5, 0.9];
    await expectBatchedEqualsUnbatched(x, (t, picks) => gaussianBlur(t, 3, picks.map((i) => sigmas[i])));
    x.dispose();
  });

  it('works on an empty batch', async () => {
    const x = tf.zeros([0, 6, 6, 3]) as Tensor4D;
    const y = await expectNoLeak(() => gaussianBlur(x, 3, []));
    expect(y.shape).toEqual([0, 6, 6, 3]);
    tf.dispose([x, y]);
  });

  it('rejects an even or < 1 kernel size, sigma ≤ 0, a kernel larger than the image and a wrong number of sigmas', () => {
    const x = tf.zeros([2, 6, 6, 3]) as Tensor4D;
    expect(() => gaussianBlur(x, 4, 1)).toThrow(/Error in gaussianBlur: kernelSize must be odd integers ≥ 1, but got 4/);
    expect(() => gaussianBlur(x, 0, 1)).toThrow(/Error in gaussianBlur: kernelSize must be odd integers ≥ 1, but got 0/);
    expect(() => gaussianBlur(x, [3, 2], 1)).toThrow(/kernelSize must be odd integers ≥ 1, but got \[3,2\]/);
    expect(() => gaussianBlur(x, 3, 0)).toThrow(/Error in gaussianBlur: sigma must be a number > 0, but got 0/);
    expect(() => gaussianBlur(x, 3, -1)).toThrow(/sigma must be a number > 0, but got -1/);
    expect(() => gaussianBlur(x, 13, 1)).toThrow(/kernelSize 13 is too large for 6×6 images/);
    expect(() => gaussianBlur(x, 3, [1, 1, 1])).toThrow(/sigma must have one value per sample \(2\), but got 3/);
    expect(() => gaussianKernel1d(2, 1)).toThrow(/Error in gaussianKernel1d: kernelSize must be an odd integer ≥ 1, but got 2/);
    expect(() => gaussianKernel1d(3, 0)).toThrow(/Error in gaussianKernel1d: sigma must be > 0, but got 0/);
    x.dispose();
  });
});

it('gaussianKernel1d is normalised, symmetric and peaks in the middle', () => {
  const k = gaussianKernel1d(5, 1.3);
  expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  expect(k[0]).toBe(k[4]);
  expect(k[1]).toBe(k[3]);
  expect(k[2]).toBeGreaterThan(k[1]);
});
