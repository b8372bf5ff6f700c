/**
 * The spec every WASM convolution-gradient kernel passes (run from one `*.test.ts` per kernel):
 * registered for 'wasm' by bdst; equal to the CPU backend's result (relative-to-max-abs error
 * ≤ 1e-4) on random cases over strides 1/2/3, 'same'/'valid'/explicit/numeric padding,
 * dilations 1/2, odd sizes, batch 1 and > 1, channels 1 and several; equal to central-difference
 * gradients on tiny shapes; empty batches; and no leaked tensors or WASM data buckets.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, initBackend } from '@bdst/core';
import { expectNoLeak } from '@bdst/test-utils';
import {
  cpuReference,
  describeCase,
  filterShape,
  inputShape,
  isDepthwise,
  isFilterGradient,
  numericalGradient,
  randomConvCases,
  randomOperands,
  relativeError,
  runWithLeakCount,
} from './conv-kernel-harness.js';
import type { ConvCase, ConvGradientKernel } from './conv-kernel-harness.js';

/** Tolerance against the CPU backend (both float32, different summation order). */
export const CPU_TOLERANCE = 1e-4;
/** Tolerance against central differences computed from float32 forward convolutions. */
export const NUMERICAL_TOLERANCE = 1e-4;

/** Tiny cases for the numerical check: stride 1/2/3, every padding kind, dilation 2. */
export const TINY_CASES: ConvCase[] = [
  { batch: 1, inHeight: 5, inWidth: 4, inChannels: 1, outDepth: 2, filterHeight: 3, filterWidth: 3, strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { batch: 2, inHeight: 6, inWidth: 5, inChannels: 2, outDepth: 2, filterHeight: 3, filterWidth: 2, strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { batch: 2, inHeight: 7, inWidth: 6, inChannels: 2, outDepth: 1, filterHeight: 2, filterWidth: 3, strides: [3, 2], dilations: [1, 1], pad: 'valid' },
  { batch: 1, inHeight: 6, inWidth: 6, inChannels: 3, outDepth: 2, filterHeight: 2, filterWidth: 2, strides: [1, 1], dilations: [2, 2], pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
  { batch: 2, inHeight: 5, inWidth: 7, inChannels: 2, outDepth: 2, filterHeight: 3, filterWidth: 1, strides: [2, 1], dilations: [1, 2], pad: 1, dimRoundingMode: 'ceil' },
  // Stride 1 on both sides of the filter gradient's switch (≤ 4 input channels or a ≥ 16×16 output: shifted-row products).
  { batch: 2, inHeight: 4, inWidth: 5, inChannels: 6, outDepth: 3, filterHeight: 3, filterWidth: 3, strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { batch: 3, inHeight: 5, inWidth: 4, inChannels: 2, outDepth: 2, filterHeight: 2, filterWidth: 3, strides: [1, 1], dilations: [1, 1], pad: 'valid' },
];

/**
 * Network-shaped cases checked against the CPU backend besides the random ones: ResNet's
 * stride-2 3×3 'same' convolution on an even size and its 1×1 stride-2 shortcut, with ≥ 16
 * channels (the input gradient's block-copy path), a 1×1 filter at stride 3 (phases no tap
 * reaches), an input smaller than the stride, a 70-image batch (the filter gradient's
 * 32-image chunks: 32 + 32 + 6), and stride-1 layers on ≥ 16×16 outputs (the filter gradient's
 * shifted-row products), one of them over two chunks (60 × 18 × 18 = 19,440 grid positions)
 * and one with asymmetric explicit padding.
 */
export const NETWORK_CASES: ConvCase[] = [
  { batch: 2, inHeight: 8, inWidth: 8, inChannels: 16, outDepth: 24, filterHeight: 3, filterWidth: 3, strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { batch: 2, inHeight: 8, inWidth: 8, inChannels: 16, outDepth: 24, filterHeight: 1, filterWidth: 1, strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { batch: 3, inHeight: 7, inWidth: 8, inChannels: 5, outDepth: 3, filterHeight: 1, filterWidth: 1, strides: [3, 3], dilations: [1, 1], pad: 'same' },
  { batch: 2, inHeight: 1, inWidth: 2, inChannels: 3, outDepth: 2, filterHeight: 3, filterWidth: 3, strides: [3, 3], dilations: [1, 1], pad: 'same' },
  { batch: 2, inHeight: 9, inWidth: 7, inChannels: 20, outDepth: 17, filterHeight: 3, filterWidth: 3, strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { batch: 2, inHeight: 16, inWidth: 16, inChannels: 8, outDepth: 6, filterHeight: 3, filterWidth: 3, strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { batch: 60, inHeight: 16, inWidth: 16, inChannels: 6, outDepth: 5, filterHeight: 3, filterWidth: 3, strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { batch: 3, inHeight: 19, inWidth: 18, inChannels: 7, outDepth: 4, filterHeight: 3, filterWidth: 2, strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  { batch: 70, inHeight: 5, inWidth: 6, inChannels: 6, outDepth: 5, filterHeight: 3, filterWidth: 3, strides: [2, 1], dilations: [1, 1], pad: 'same' },
  // Outputs a multiple of 8: bdst's SIMD filter gradient (simd-filter-gradient.ts; any input
  // channels, 3 in a first layer too) — 'same', 'valid', asymmetric explicit padding wider than
  // half the filter, padding so wide that some outputs see no input, and a 1×1 filter with padding.
  { batch: 3, inHeight: 9, inWidth: 7, inChannels: 8, outDepth: 16, filterHeight: 3, filterWidth: 3, strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { batch: 2, inHeight: 7, inWidth: 6, inChannels: 12, outDepth: 24, filterHeight: 2, filterWidth: 2, strides: [1, 1], dilations: [1, 1], pad: 'valid' },
  { batch: 2, inHeight: 6, inWidth: 10, inChannels: 4, outDepth: 8, filterHeight: 5, filterWidth: 3, strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { batch: 2, inHeight: 2, inWidth: 3, inChannels: 4, outDepth: 8, filterHeight: 3, filterWidth: 3, strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [3, 3], [4, 4], [0, 0]] },
  { batch: 2, inHeight: 5, inWidth: 5, inChannels: 8, outDepth: 8, filterHeight: 1, filterWidth: 1, strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [1, 0], [0, 2], [0, 0]] },
  { batch: 3, inHeight: 8, inWidth: 9, inChannels: 3, outDepth: 16, filterHeight: 3, filterWidth: 3, strides: [1, 1], dilations: [1, 1], pad: 'same' },
];

/**
 * Defines the shared specs for `kernel`, whose bdst config is `config`; `seed` makes its
 * random cases reproducible.
 */
export function defineConvGradientKernelSpecs(kernel: ConvGradientKernel, config: KernelConfig, seed: number): void {
  const depthwise = isDepthwise(kernel);
  const rng = createRng(seed);
  const cases = randomConvCases(rng.fork('cases'), { depthwise });

  describe(`${kernel} (bdst wasm kernel)`, () => {
    it('is the kernel registered for wasm', async () => {
      await initBackend({ backend: 'wasm', quiet: true });
      expect(getKernel(kernel, 'wasm')?.kernelFunc).toBe(config.kernelFunc);
    });

    it.each(cases.map((c) => [describeCase(c), c] as const))('matches the cpu backend: %s', async (_label, c) => {
      const operands = randomOperands(rng.fork(describeCase(c)), c, depthwise);
      await initBackend({ backend: 'cpu', quiet: true });
      const expected = cpuReference(kernel, c, operands);
      await initBackend({ backend: 'wasm', quiet: true });
      const actual = await expectNoLeak(() => runWithLeakCount(kernel, c, operands));
      expect(actual.leakedTensors).toBe(0);
      expect(actual.leakedDataIds).toBe(0);
      expect(relativeError(actual.values, expected)).toBeLessThanOrEqual(CPU_TOLERANCE);
    });

    it.each(NETWORK_CASES.map((c) => [describeCase(c), c] as const))('matches the cpu backend on a network-shaped case: %s', async (_label, c) => {
      const operands = randomOperands(rng.fork(`network ${describeCase(c)}`), c, depthwise);
      await initBackend({ backend: 'cpu', quiet: true });
      const expected = cpuReference(kernel, c, operands);
      await initBackend({ backend: 'wasm', quiet: true });
      const actual = await expectNoLeak(() => runWithLeakCount(kernel, c, operands));
      expect(actual.leakedDataIds).toBe(0);
      expect(relativeError(actual.values, expected)).toBeLessThanOrEqual(CPU_TOLERANCE);
    });

    it.each(TINY_CASES.map((c) => [describeCase(c), c] as const))('matches central differences: %s', async (_label, c) => {
      const operands = randomOperands(rng.fork(`tiny ${describeCase(c)}`), c, depthwise);
      await initBackend({ backend: 'cpu', quiet: true });
      const numerical = numericalGradient(kernel, c, operands);
      await initBackend({ backend: 'wasm', quiet: true });
      const actual = runWithLeakCount(kernel, c, operands);
      expect(relativeError(actual.values, numerical)).toBeLessThanOrEqual(NUMERICAL_TOLERANCE);
    });

    it('handles an empty batch (zeros for the filter gradient, an empty input gradient)', async () => {
      await initBackend({ backend: 'wasm', quiet: true });
      const c: ConvCase = { ...TINY_CASES[1], batch: 0 };
      const operands = { x: new Float32Array(0), filter: new Float32Array(filterShape(c).reduce((a, b) => a * b, 1)).fill(1), dy: new Float32Array(0) };
      const actual = await expectNoLeak(() => runWithLeakCount(kernel, c, operands));
      expect(actual.leakedDataIds).toBe(0);
      if (isFilterGradient(kernel)) expect(Array.from(actual.values)).toEqual(new Array(actual.values.length).fill(0));
      else expect(actual.values.length).toBe(0);
    });

    it('rejects a dy whose shape does not match the forward output', async () => {
      await initBackend({ backend: 'wasm', quiet: true });
      const c = TINY_CASES[0];
      await expectNoLeak(() => {
        const dy = tf.zeros([1, 2, 2, c.outDepth * (depthwise ? c.inChannels : 1)]);
        const other = isFilterGradient(kernel) ? { x: tf.zeros(inputShape(c)) } : { filter: tf.zeros(filterShape(c)) };
        const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations, dataFormat: 'NHWC', filterShape: filterShape(c), inputShape: inputShape(c) };
        expect(() => tf.engine().runKernel(kernel, { dy, ...other } as unknown as tf.NamedTensorMap, attrs as unknown as NamedAttrMap)).toThrow(/dy must have shape/);
        tf.dispose([dy, ...Object.values(other)]);
      });
    });
  });
}
