import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, initBackend } from '@bdst/core';
import { coveredBySimdConvolution, simdConvolution } from '../../src/backend/kernels/simd-convolution.js';
import { stockWasmKernel } from '../../src/backend/kernels/fast-path-kernel.js';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 8, 8, 16], f: [3, 3, 16, 32], strides: [1, 1], pad: 'same' }, // a ResNet-like layer
  { x: [2, 9, 9, 16], f: [3, 3, 16, 32], strides: [2, 2], pad: 'same' }, // its downsampling one, odd size
  { x: [3, 8, 7, 3], f: [3, 3, 3, 16], strides: [1, 1], pad: 'same' }, // a first layer: 3 input channels, 7 columns (a tile of 3)
  { x: [2, 9, 7, 8], f: [1, 1, 8, 16], strides: [2, 3], pad: 'valid' }, // a strided 1×1 shortcut
  { x: [2, 10, 11, 5], f: [3, 2, 5, 8], strides: [3, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] }, // explicit, uneven padding
  { x: [1, 3, 4, 8], f: [5, 5, 8, 16], strides: [1, 1], pad: [[0, 0], [4, 0], [1, 4], [0, 0]] }, // padding wider than the image
  { x: [2, 5, 6, 1], f: [2, 3, 1, 24], strides: [1, 1], pad: 'valid' }, // one input channel, 3 tiles of outputs
];

/** Random operands; values in [−1, 1). */
function operands(c: Case, seed: string) {
  const rng = createRng(seed);
  const random = (n: number) => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
  return { x: random(tf.util.sizeFromShape(c.x)), w: random(tf.util.sizeFromShape(c.f)), bias: random(c.f[3]) };
}

/** The fused convolution (+ bias, ReLU) on the CPU backend (tfjs's own kernels): the reference. */
async function cpuReference(c: Case, x: Float32Array, w: Float32Array, bias: Float32Array | null, relu: boolean): Promise<Float32Array> {
  await initBackend({ backend: 'cpu', quiet: true });
  const result = tf.tidy(() =>
    tf.fused.conv2d({
      x: tf.tensor4d(x, c.x),
      filter: tf.tensor4d(w, c.f),
      strides: c.strides,
      pad: c.pad,
      bias: bias === null ? undefined : tf.tensor1d(bias),
      activation: relu ? 'relu' : 'linear',
    }),
  );
  const values = result.dataSync().slice() as Float32Array;
  result.dispose();
  return values;
}

/** Runs bdst's SIMD kernel on the current wasm backend; returns its values and checks nothing is left behind. */
function simd(c: Case, x: Float32Array, w: Float32Array, bias: Float32Array | null, relu: boolean): Float32Array {
  const backend = tf.backend() as BackendWasm;
  const info = backend_util.computeConv2DInfo(c.x, c.f, c.strides, 1, c.pad, undefined, false, 'channelsLast');
  const before = tf.memory().numTensors;
  const dataIds = backend.numDataIds();
  const xt = tf.tensor4d(x, c.x);
  const wt = tf.tensor4d(w, c.f);
  const bt = bias === null ? null : tf.tensor1d(bias);
  const out = simdConvolution(backend, xt, wt, bt, info, relu);
  expect(out, 'the SIMD kernel ran (not the fallback)').not.toBeNull();
  const y = tf.engine().makeTensorFromTensorInfo(out!);
  expect(y.shape).toEqual(info.outShape);
  const values = y.dataSync().slice() as Float32Array;
  tf.dispose([xt, wt, y, ...(bt === null ? [] : [bt])]);
  expect(tf.memory().numTensors).toBe(before);
  expect(backend.numDataIds()).toBe(dataIds);
  return values;
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('bdst SIMD forward convolution (wasm)', () => {
  afterAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  });

  it('takes NHWC dilation-1 convolutions with Co % 8 = 0, at any stride and any Ci, and nothing else', () => {
    const info = (xShape: number[], filterShape: number[], strides: number, dilations: number, format: 'channelsLast' | 'channelsFirst' = 'channelsLast') =>
      backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, dilations, 'same', undefined, false, format);
    expect(coveredBySimdConvolution(info([2, 8, 8, 16], [3, 3, 16, 32], 1, 1))).toBe(true);
    expect(coveredBySimdConvolution(info([2, 8, 8, 3], [3, 3, 3, 16], 2, 1))).toBe(true);
    expect(coveredBySimdConvolution(info([2, 8, 8, 16], [3, 3, 16, 32], 1, 2))).toBe(false);
    expect(coveredBySimdConvolution(info([2, 8, 8, 16], [3, 3, 16, 12], 1, 1))).toBe(false);
    expect(coveredBySimdConvolution(info([2, 16, 8, 8], [3, 3, 16, 32], 1, 1, 'channelsFirst'))).toBe(false);
  });

  for (const c of CASES) {
    it(`matches the CPU backend for x ${c.x.join('×')}, filter ${c.f.join('×')}, strides ${c.strides.join('×')}, pad ${JSON.stringify(c.pad)}, with and without bias and ReLU, bit-identically run to run and on 1 or 2 threads`, async () => {
      const { x, w, bias } = operands(c, `conv-${c.x.join('-')}-${c.strides.join('-')}`);
      for (const [withBias, relu] of [[false, false], [true, true], [true, false]] as const) {
        const b = withBias ? bias : null;
        const reference = await cpuReference(c, x, w, b, relu);
        await initBackend({ backend: 'wasm', threads: 1, quiet: true });
        const one = simd(c, x, w, b, relu);
        const again = simd(c, x, w, b, relu);
        let worst = 0;
        for (let i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs(one[i] - reference[i]) / (1 + Math.abs(reference[i])));
        expect(worst, `bias ${withBias}, relu ${relu}`).toBeLessThan(1e-5);
        if (relu) expect(one.some((v) => v === 0) && one.some((v) => v > 0), 'ReLU clipped some outputs and kept others').toBe(true);
        expect(bits(again).equals(bits(one))).toBe(true);
        // The threaded build's shared memory gets the module built for it; the kernel runs on one thread either way.
        await initBackend({ backend: 'wasm', threads: 2, quiet: true });
        expect(bits(simd(c, x, w, b, relu)).equals(bits(one))).toBe(true);
      }
    }, 60_000);
  }

  for (const c of CASES) {
    it(`equals tfjs-backend-wasm's XNNPACK kernel bit for bit (same summation order) for x ${c.x.join('×')}, filter ${c.f.join('×')}, strides ${c.strides.join('×')}`, async () => {
      await initBackend({ backend: 'wasm', threads: 1, quiet: true });
      const backend = tf.backend() as BackendWasm;
      const stock = stockWasmKernel('FusedConv2D')!;
      expect(stock).toBeDefined();
      const { x, w, bias } = operands(c, `xnnpack-${c.x.join('-')}`);
      for (const [withBias, relu] of [[false, false], [true, true], [true, false]] as const) {
        const xt = tf.tensor4d(x, c.x);
        const wt = tf.tensor4d(w, c.f);
        const bt = withBias ? tf.tensor1d(bias) : undefined;
        const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: 1, activation: relu ? 'relu' : 'linear' };
        const out = stock({ inputs: { x: xt, filter: wt, ...(bt ? { bias: bt } : {}) }, backend, attrs } as unknown as Parameters<typeof stock>[0]) as tf.TensorInfo;
        const y = tf.engine().makeTensorFromTensorInfo(out);
        const xnnpack = y.dataSync().slice() as Float32Array;
        tf.dispose([xt, wt, y, ...(bt ? [bt] : [])]);
        expect(bits(simd(c, x, w, withBias ? bias : null, relu)).equals(bits(xnnpack)), `bias ${withBias}, relu ${relu}`).toBe(true);
      }
    });
  }

  it("ReLU is the CPU backend's Math.max(0, x): NaN passes through, negatives become +0", async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const c: Case = { x: [1, 1, 4, 1], f: [1, 1, 1, 8], strides: [1, 1], pad: 'valid' };
    const y = simd(c, Float32Array.from([NaN, -2, 3, 0]), new Float32Array(8).fill(1), null, true);
    expect(y.subarray(0, 8).every((v) => Number.isNaN(v))).toBe(true);
    expect(y.subarray(8, 16).every((v) => Object.is(v, 0))).toBe(true);
    expect(y.subarray(16, 24).every((v) => v === 3)).toBe(true);
    expect(y.subarray(24, 32).every((v) => Object.is(v, 0))).toBe(true);
  });

  it('tf.conv2d and tf.fused.conv2d on wasm run it where it covers the case and the stock kernel elsewhere, both matching the CPU backend', async () => {
    const rng = createRng('registered');
    const random = (shape: number[]) => Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => rng.next() * 2 - 1);
    const x = random([2, 7, 7, 6]);
    const calls: Array<{ label: string; run: () => tf.Tensor }> = [];
    const add = (label: string, filterShape: [number, number, number, number], f: (xt: tf.Tensor4D, wt: tf.Tensor4D) => tf.Tensor) => {
      const w = random(filterShape);
      calls.push({ label, run: () => tf.tidy(() => f(tf.tensor4d(x, [2, 7, 7, 6]), tf.tensor4d(w, filterShape))) });
    };
    const bias = random([16]);
    add('conv2d, covered', [3, 3, 6, 16], (xt, wt) => tf.conv2d(xt, wt, 2, 'same'));
    add('fused + bias + relu, covered', [3, 3, 6, 16], (xt, wt) => tf.fused.conv2d({ x: xt, filter: wt, strides: 1, pad: 'same', bias: tf.tensor1d(bias), activation: 'relu' }));
    add('fused + elu (stock)', [3, 3, 6, 16], (xt, wt) => tf.fused.conv2d({ x: xt, filter: wt, strides: 1, pad: 'valid', bias: tf.tensor1d(bias), activation: 'elu' }));
    add('dilation 2 (stock)', [3, 3, 6, 16], (xt, wt) => tf.conv2d(xt, wt, 1, 'same', 'NHWC', 2));
    add('Co = 12 (stock)', [3, 3, 6, 12], (xt, wt) => tf.conv2d(xt, wt, 1, 'same'));
    for (const call of calls) {
      await initBackend({ backend: 'cpu', quiet: true });
      const expected = call.run();
      const reference = expected.dataSync().slice();
      expected.dispose();
      await initBackend({ backend: 'wasm', threads: 1, quiet: true });
      const before = tf.memory().numTensors;
      const actual = call.run();
      expect(actual.shape).toEqual(expected.shape);
      const values = actual.dataSync();
      actual.dispose();
      expect(tf.memory().numTensors).toBe(before);
      values.forEach((v, i) => expect(Math.abs(v - reference[i]), `${call.label} [${i}]`).toBeLessThan(1e-5 * (1 + Math.abs(reference[i]))));
    }
  });
});
