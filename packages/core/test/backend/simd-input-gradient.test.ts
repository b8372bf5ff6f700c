import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, initBackend } from '@bdst/core';
import { coveredBySimdInputGradient, simdInputGradient } from '../../src/backend/kernels/simd-input-gradient.js';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 8, 8, 16], f: [3, 3, 16, 32], pad: 'same' }, // a ResNet-like layer
  { x: [3, 5, 9, 8], f: [3, 5, 8, 3], pad: 'same' }, // non-square filter and image, width not a multiple of 4, 3 outputs
  { x: [2, 7, 6, 24], f: [2, 2, 24, 12], pad: 'valid' },
  { x: [1, 3, 6, 8], f: [5, 5, 8, 16], pad: [[0, 0], [4, 0], [1, 4], [0, 0]] }, // padding wider than the image
  { x: [2, 4, 5, 8], f: [1, 1, 8, 8], pad: 'valid' },
];

/** Random filter and dy of a stride-1 convolution with input shape `c.x`. */
function operands(c: Case) {
  const info = backend_util.computeConv2DInfo(c.x, c.f, 1, 1, c.pad, undefined, false, 'channelsLast');
  const rng = createRng(`simd-dx-${c.x.join('-')}`);
  const filter = Float32Array.from({ length: tf.util.sizeFromShape(c.f) }, () => rng.next() * 2 - 1);
  const dy = Float32Array.from({ length: tf.util.sizeFromShape(info.outShape) }, () => rng.next() * 2 - 1);
  return { info, filter, dy };
}

/** The input gradient on the CPU backend (tfjs's own kernel): the reference. */
async function cpuReference(c: Case, filter: Float32Array, dy: Float32Array, outShape: number[]): Promise<Float32Array> {
  await initBackend({ backend: 'cpu', quiet: true });
  const result = tf.tidy(() => {
    const f = tf.tensor4d(filter, c.f);
    const dyt = tf.tensor(dy, outShape);
    return tf.grad((x) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f, 1, c.pad), dyt)))(tf.zeros(c.x));
  });
  const values = result.dataSync().slice() as Float32Array;
  result.dispose();
  return values;
}

/** Runs bdst's SIMD kernel on the current wasm backend; returns its values and checks nothing is left behind. */
function simd(info: backend_util.Conv2DInfo, filter: Float32Array, dy: Float32Array): Float32Array {
  const backend = tf.backend() as BackendWasm;
  const before = tf.memory().numTensors;
  const dataIds = backend.numDataIds();
  const f = tf.tensor4d(filter, [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
  const dyt = tf.tensor(dy, info.outShape);
  const out = simdInputGradient(backend, dyt, f, info);
  expect(out, 'the SIMD kernel ran (not the fallback)').not.toBeNull();
  const dx = tf.engine().makeTensorFromTensorInfo(out!);
  expect(dx.shape).toEqual(info.inShape);
  const values = dx.dataSync().slice() as Float32Array;
  tf.dispose([f, dyt, dx]);
  expect(tf.memory().numTensors).toBe(before);
  expect(backend.numDataIds(), 'the packed filter is freed').toBe(dataIds);
  return values;
}

describe('bdst SIMD input gradient (wasm)', () => {
  afterAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  });

  it('takes stride-1, dilation-1 convolutions with Ci % 8 = 0, and nothing else', () => {
    const info = (xShape: number[], filterShape: number[], strides: number, dilations: number) =>
      backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, dilations, 'same', undefined, false, 'channelsLast');
    expect(coveredBySimdInputGradient(info([2, 8, 8, 16], [3, 3, 16, 5], 1, 1))).toBe(true);
    expect(coveredBySimdInputGradient(info([2, 8, 8, 16], [3, 3, 16, 32], 2, 1))).toBe(false);
    expect(coveredBySimdInputGradient(info([2, 8, 8, 16], [3, 3, 16, 32], 1, 2))).toBe(false);
    expect(coveredBySimdInputGradient(info([2, 8, 8, 12], [3, 3, 12, 32], 1, 1))).toBe(false);
  });

  for (const c of CASES) {
    it(`matches the CPU backend for x ${c.x.join('×')}, filter ${c.f.join('×')}, pad ${JSON.stringify(c.pad)}, bit-identically run to run and on 1 or 2 threads`, async () => {
      const { info, filter, dy } = operands(c);
      const reference = await cpuReference(c, filter, dy, info.outShape);
      await initBackend({ backend: 'wasm', threads: 1, quiet: true });
      const one = simd(info, filter, dy);
      const again = simd(info, filter, dy);
      let worst = 0;
      for (let i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs(one[i] - reference[i]) / (1 + Math.abs(reference[i])));
      expect(worst).toBeLessThan(1e-5);
      expect(Buffer.from(again.buffer).equals(Buffer.from(one.buffer))).toBe(true);
      await initBackend({ backend: 'wasm', threads: 2, quiet: true });
      const two = simd(info, filter, dy);
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    }, 60_000);
  }
});
