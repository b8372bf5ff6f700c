import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradients (Gather's uses UnsortedSegmentSum)
import { getKernel } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, initBackend } from '@bdst/core';
import { expectNoLeak } from '@bdst/test-utils';
import { unsortedSegmentSumConfig } from '../../src/backend/kernels/unsorted-segment-sum.js';
import { randomValues, relativeError } from './conv-kernel-harness.js';

interface SegmentCase {
  label: string;
  xShape: number[];
  dtype: 'float32' | 'int32';
  idsShape: number[];
  numSegments: number;
}

const CASES: SegmentCase[] = [
  { label: 'rank-1 ids over rows, some ids out of range', xShape: [7, 3, 2], dtype: 'float32', idsShape: [7], numSegments: 4 },
  { label: 'rank-2 ids (a prefix of x)', xShape: [3, 4, 5], dtype: 'float32', idsShape: [3, 4], numSegments: 6 },
  { label: 'int32 values', xShape: [9, 2], dtype: 'int32', idsShape: [9], numSegments: 3 },
  { label: 'ids equal to x (scalar segments)', xShape: [10], dtype: 'float32', idsShape: [10], numSegments: 5 },
];

/** The definition, on the host: out[s, …] = Σ over i with ids[i] = s of x[i, …]. */
function segmentSumOnHost(c: SegmentCase, x: Float32Array, ids: Int32Array): Float64Array {
  const inner = x.length / ids.length;
  const out = new Float64Array(c.numSegments * inner);
  ids.forEach((segment, i) => {
    if (segment < 0 || segment >= c.numSegments) return;
    for (let j = 0; j < inner; j++) out[segment * inner + j] += c.dtype === 'int32' ? Math.round(x[i * inner + j]) : x[i * inner + j];
  });
  return out;
}

function run(c: SegmentCase, x: Float32Array, ids: Int32Array): Float32Array | Int32Array {
  return tf.tidy(() => {
    const xt = c.dtype === 'int32' ? tf.tensor(Int32Array.from(x, Math.round), c.xShape, 'int32') : tf.tensor(x, c.xShape);
    const out = tf.unsortedSegmentSum(xt, tf.tensor(ids, c.idsShape, 'int32') as unknown as tf.Tensor1D, c.numSegments);
    expect(out.shape).toEqual([c.numSegments, ...c.xShape.slice(c.idsShape.length)]);
    expect(out.dtype).toBe(c.dtype);
    return out.dataSync() as Float32Array | Int32Array;
  });
}

describe('UnsortedSegmentSum (bdst wasm kernel)', () => {
  it('is the kernel registered for wasm', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    expect(getKernel('UnsortedSegmentSum', 'wasm')?.kernelFunc).toBe(unsortedSegmentSumConfig.kernelFunc);
  });

  // tfjs's CPU kernel mishandles rank > 1 ids and returns float32 for int32 input, so the
  // reference here is the definition itself; the CPU backend is compared where it is right.
  it.each(CASES.map((c) => [c.label, c] as const))('matches the definition: %s', async (_label, c) => {
    const rng = createRng(`segment ${c.label}`);
    const x = randomValues(rng, c.xShape.reduce((a, b) => a * b, 1)).map((v) => v * 4);
    const ids = Int32Array.from({ length: c.idsShape.reduce((a, b) => a * b, 1) }, () => rng.int(c.numSegments + 2) - 1);
    await initBackend({ backend: 'wasm', quiet: true });
    const dataIds = tf.engine().backend.numDataIds();
    const actual = await expectNoLeak(() => run(c, x, ids));
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    expect(relativeError(actual, segmentSumOnHost(c, x, ids))).toBeLessThanOrEqual(1e-6);
    if (c.dtype === 'float32' && c.idsShape.length === 1) {
      await initBackend({ backend: 'cpu', quiet: true });
      expect(relativeError(actual, run(c, x, ids))).toBeLessThanOrEqual(1e-6);
    }
  });

  it('makes the gradient of gather work on wasm, equal to the cpu one', async () => {
    const rng = createRng('gather gradient');
    const params = randomValues(rng, 6 * 4);
    const weights = randomValues(rng, 5 * 4);
    const indices = Int32Array.from([4, 0, 4, 2, 5]);
    const gradient = () =>
      tf.tidy(() => {
        const w = tf.tensor2d(weights, [5, 4]);
        const g = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, tf.tensor1d(indices, 'int32')), w)));
        return g(tf.tensor2d(params, [6, 4])).dataSync();
      });
    await initBackend({ backend: 'cpu', quiet: true });
    const expected = gradient();
    await initBackend({ backend: 'wasm', quiet: true });
    const actual = await expectNoLeak(gradient);
    expect(relativeError(actual, expected)).toBeLessThanOrEqual(1e-6);
    // Row 4 was gathered twice, rows 1 and 3 never.
    expect(Array.from(actual.slice(4, 8))).toEqual([0, 0, 0, 0]);
  });
});
