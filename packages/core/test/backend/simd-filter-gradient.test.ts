import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, initBackend } from '@bdst/core';
import { coveredBySimdFilterGradient, simdFilterGradient } from '../../src/backend/kernels/simd-filter-gradient.js';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

/** Random NHWC input and dy operands of a convolution. */
function operands(xShape: [number, number, number, number], filterShape: [number, number, number, number], strides: [number, number], pad: Pad, seed: string) {
  const info = backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, undefined, false, 'channelsLast');
  const rng = createRng(seed);
  const x = Float32Array.from({ length: tf.util.sizeFromShape(xShape) }, () => rng.next() * 2 - 1);
  const dy = Float32Array.from({ length: tf.util.sizeFromShape(info.outShape) }, () => rng.next() * 2 - 1);
  return { info, x, dy };
}

/** The filter gradient on the CPU backend (tfjs's own kernel): the reference. */
async function cpuReference(c: Case, x: Float32Array, dy: Float32Array, outShape: number[]): Promise<Float32Array> {
  await initBackend({ backend: 'cpu', quiet: true });
  const result = tf.tidy(() => {
    const xt = tf.tensor4d(x, c.x);
    const dyt = tf.tensor(dy, outShape);
    return tf.grad((f) => tf.sum(tf.mul(tf.conv2d(xt, f as tf.Tensor4D, c.strides, c.pad), dyt)))(tf.zeros(c.f));
  });
  const values = result.dataSync().slice() as Float32Array;
  result.dispose();
  return values;
}

/** Runs bdst's SIMD kernel on the current wasm backend; returns its values and checks nothing is left behind. */
function simd(info: backend_util.Conv2DInfo, x: Float32Array, dy: Float32Array): Float32Array {
  const backend = tf.backend() as BackendWasm;
  const before = tf.memory().numTensors;
  const dataIds = backend.numDataIds();
  const xt = tf.tensor4d(x, info.inShape);
  const dyt = tf.tensor(dy, info.outShape);
  const out = simdFilterGradient(backend, xt, dyt, info);
  expect(out, 'the SIMD kernel ran (not the fallback)').not.toBeNull();
  const dW = tf.engine().makeTensorFromTensorInfo(out!);
  expect(dW.shape).toEqual([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
  const values = dW.dataSync().slice() as Float32Array;
  tf.dispose([xt, dyt, dW]);
  expect(tf.memory().numTensors).toBe(before);
  expect(backend.numDataIds()).toBe(dataIds);
  return values;
}

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 8, 8, 16], f: [3, 3, 16, 32], strides: [1, 1], pad: 'same' }, // a ResNet-like layer
  { x: [2, 8, 8, 16], f: [3, 3, 16, 32], strides: [2, 2], pad: 'same' }, // its downsampling one
  { x: [2, 9, 7, 8], f: [1, 1, 8, 16], strides: [2, 3], pad: 'valid' }, // a strided 1×1 shortcut, odd sizes
  { x: [3, 5, 9, 4], f: [3, 5, 4, 8], strides: [1, 1], pad: 'same' }, // non-square filter and image
  { x: [2, 7, 6, 12], f: [2, 2, 12, 24], strides: [1, 1], pad: 'valid' },
  { x: [2, 10, 11, 4], f: [3, 2, 4, 8], strides: [3, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [1, 3, 4, 8], f: [5, 5, 8, 16], strides: [1, 1], pad: [[0, 0], [4, 0], [1, 4], [0, 0]] }, // padding wider than the image: some outputs see none of it
  { x: [3, 8, 8, 3], f: [3, 3, 3, 16], strides: [1, 1], pad: 'same' }, // a first layer: 3 input channels, one tile of 3 rows
  { x: [2, 7, 9, 1], f: [3, 3, 1, 8], strides: [2, 2], pad: 'same' }, // one input channel (Fashion-MNIST's first layer), strided
  { x: [2, 6, 5, 6], f: [2, 3, 6, 8], strides: [1, 2], pad: 'valid' }, // 6 = a tile of 4 and a tile of 2
];

describe('bdst SIMD filter gradient (wasm)', () => {
  afterAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  });

  it('takes dilation-1 convolutions with Co % 8 = 0, at any stride and any Ci, and nothing else', () => {
    const info = (xShape: number[], filterShape: number[], strides: number, dilations: number) =>
      backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, dilations, 'same', undefined, false, 'channelsLast');
    expect(coveredBySimdFilterGradient(info([2, 8, 8, 16], [3, 3, 16, 32], 1, 1))).toBe(true);
    expect(coveredBySimdFilterGradient(info([2, 8, 8, 16], [3, 3, 16, 32], 2, 1))).toBe(true);
    expect(coveredBySimdFilterGradient(info([2, 8, 8, 16], [3, 3, 16, 32], 1, 2))).toBe(false);
    expect(coveredBySimdFilterGradient(info([2, 8, 8, 3], [3, 3, 3, 32], 1, 1))).toBe(true);
    expect(coveredBySimdFilterGradient(info([2, 8, 8, 3], [3, 3, 3, 32], 1, 2))).toBe(false);
    expect(coveredBySimdFilterGradient(info([2, 8, 8, 16], [3, 3, 16, 12], 1, 1))).toBe(false);
  });

  for (const c of CASES) {
    it(`matches the CPU backend for x ${c.x.join('×')}, filter ${c.f.join('×')}, strides ${c.strides.join('×')}, pad ${JSON.stringify(c.pad)}, bit-identically run to run and on 1 or 2 threads`, async () => {
      const { info, x, dy } = operands(c.x, c.f, c.strides, c.pad, `simd-${c.x.join('-')}-${c.strides.join('-')}`);
      const reference = await cpuReference(c, x, dy, info.outShape);
      await initBackend({ backend: 'wasm', threads: 1, quiet: true });
      const one = simd(info, x, dy);
      const again = simd(info, x, dy);
      let worst = 0;
      for (let i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs(one[i] - reference[i]) / (1 + Math.abs(reference[i])));
      expect(worst).toBeLessThan(1e-5);
      expect(Buffer.from(again.buffer).equals(Buffer.from(one.buffer))).toBe(true);
      // The threaded build's shared memory gets the module built for it; the kernel runs on one thread either way.
      await initBackend({ backend: 'wasm', threads: 2, quiet: true });
      const two = simd(info, x, dy);
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    }, 60_000);
  }
});
