import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, initBackend } from '@bdst/core';
import { expectNoLeak } from '@bdst/test-utils';
import { meanGradientConfig } from '../../src/backend/mean-gradient.js';

/** tfjs 4.22's own Mean gradient, written out: `dy · ones(x.shape) / n` with host-built ones. */
function stockMeanGradient(x: tf.Tensor, dy: tf.Tensor, axes: number[]): tf.Tensor {
  return tf.tidy(() => {
    const expandedShape = x.shape.slice();
    for (const axis of axes) expandedShape[axis] = 1;
    const n = axes.reduce((product, axis) => product * x.shape[axis], 1);
    return tf.div(tf.mul(tf.reshape(dy, expandedShape), tf.ones(x.shape, 'float32')), n);
  });
}

const bits = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer.slice(0));

describe('the Mean gradient (dy · ones / n with the ones from Fill)', () => {
  afterAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  });

  it('is the gradient tfjs uses once bdst is loaded', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    expect(tf.getGradient('Mean')).toBe(meanGradientConfig);
  });

  const cases: Array<{ label: string; shape: number[]; axis: number | number[] | undefined; keepDims?: boolean }> = [
    { label: 'global average pooling, NHWC axes [1, 2]', shape: [4, 5, 3, 8], axis: [1, 2] },
    { label: 'the batch axis', shape: [6, 7], axis: 0 },
    { label: 'every axis', shape: [3, 4, 5], axis: undefined },
    { label: 'the last axis, keepDims', shape: [2, 3, 9], axis: -1, keepDims: true },
  ];
  for (const backend of ['wasm', 'cpu'] as const) {
    it.each(cases)(`on ${backend}: $label gives the stock gradient's bits and leaks nothing`, async ({ shape, axis, keepDims }) => {
      await initBackend({ backend, threads: 1, quiet: true });
      const rng = createRng(`mean-${shape.join('x')}`);
      const x = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-3, 3)), shape);
      const outShape = tf.mean(x, axis, keepDims).shape;
      const dy = tf.tensor(Float32Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-3, 3)), outShape);
      const ours = await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.mean(v, axis, keepDims))(x, dy));
      const axes = axis === undefined ? shape.map((_, i) => i) : tf.util.parseAxisParam(axis, shape);
      const stock = stockMeanGradient(x, dy, axes);
      expect(ours.shape).toEqual(shape);
      expect(bits(ours).equals(bits(stock))).toBe(true);
      tf.dispose([x, dy, ours, stock]);
    });
  }
});
