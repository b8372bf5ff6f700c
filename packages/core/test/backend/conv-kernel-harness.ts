/**
 * Shared machinery for the convolution-gradient kernel specs: random convolution cases, the
 * CPU-backend reference (with a zero-inserted filter standing in for dilation, which tfjs's CPU
 * gradient kernels ignore), central-difference numerical gradients, and leak accounting for
 * WASM kernel calls (live tensors and the backend's data buckets).
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import type { Rng } from '@bdst/core';

/** The four gradient kernels bdst registers for 'wasm'. */
export type ConvGradientKernel =
  | 'Conv2DBackpropFilter'
  | 'Conv2DBackpropInput'
  | 'DepthwiseConv2dNativeBackpropFilter'
  | 'DepthwiseConv2dNativeBackpropInput';

/** tfjs explicit padding: `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
export type ExplicitPad = [[0, 0], [number, number], [number, number], [0, 0]];

/** Padding as a Conv2D layer or op can have it. */
export type ConvPad = 'same' | 'valid' | number | ExplicitPad;

/** One forward convolution, NHWC; its gradients are what the kernels compute. */
export interface ConvCase {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  /** Output channels (regular conv) or channel multiplier (depthwise). */
  outDepth: number;
  filterHeight: number;
  filterWidth: number;
  strides: [number, number];
  dilations: [number, number];
  pad: ConvPad;
  /** Only meaningful with a numeric `pad`. */
  dimRoundingMode?: 'floor' | 'ceil' | 'round';
}

/** The three operands of a gradient kernel call, as host float32 arrays. */
export interface ConvOperands {
  x: Float32Array;
  filter: Float32Array;
  dy: Float32Array;
}

/** Whether `kernel` belongs to the depthwise convolution. */
export function isDepthwise(kernel: ConvGradientKernel): boolean {
  return kernel.startsWith('Depthwise');
}

/** Whether `kernel` returns the filter gradient (else the input gradient). */
export function isFilterGradient(kernel: ConvGradientKernel): boolean {
  return kernel.endsWith('Filter');
}

/** A short label for test names. */
export function describeCase(c: ConvCase): string {
  const pad = Array.isArray(c.pad) ? `[${c.pad[1]}|${c.pad[2]}]` : String(c.pad);
  return (
    `x ${c.batch}x${c.inHeight}x${c.inWidth}x${c.inChannels}, k ${c.filterHeight}x${c.filterWidth}x${c.outDepth}, ` +
    `s ${c.strides.join('x')}, d ${c.dilations.join('x')}, pad ${pad}${c.dimRoundingMode ? `/${c.dimRoundingMode}` : ''}`
  );
}

export function inputShape(c: ConvCase): [number, number, number, number] {
  return [c.batch, c.inHeight, c.inWidth, c.inChannels];
}

export function filterShape(c: ConvCase): [number, number, number, number] {
  return [c.filterHeight, c.filterWidth, c.inChannels, c.outDepth];
}

/** The forward convolution's geometry (output shape, resolved padding), as tfjs computes it. */
export function convGeometry(c: ConvCase, depthwise: boolean): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(inputShape(c), filterShape(c), c.strides, c.dilations, c.pad, c.dimRoundingMode, depthwise);
}

/** Standard-normal float32 values from `rng`. */
export function randomValues(rng: Rng, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal();
  return out;
}

/** Random operands for `c` (the `dy` shape follows the forward output). */
export function randomOperands(rng: Rng, c: ConvCase, depthwise: boolean): ConvOperands {
  const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  return {
    x: randomValues(rng, size(inputShape(c))),
    filter: randomValues(rng, size(filterShape(c))),
    dy: randomValues(rng, size(convGeometry(c, depthwise).outShape)),
  };
}

/**
 * Random convolution cases covering every stride in `strides`, every padding kind and every
 * dilation in `dilations`, with odd and even sizes, batch 1 and > 1, and 1 or several channels.
 */
export function randomConvCases(
  rng: Rng,
  options: { depthwise: boolean; strides?: number[]; dilations?: number[]; maxSize?: number },
): ConvCase[] {
  const strides = options.strides ?? [1, 2, 3];
  const dilations = options.dilations ?? [1, 2];
  const maxSize = options.maxSize ?? 9;
  const padKinds = ['same', 'valid', 'explicit', 'number'] as const;
  const cases: ConvCase[] = [];
  let variant = 0;
  for (const stride of strides) {
    for (const dilation of dilations) {
      for (const padKind of padKinds) {
        for (;;) {
          const pick = <T>(values: readonly T[]): T => values[rng.int(values.length)];
          const filterHeight = 1 + rng.int(3);
          const filterWidth = 1 + rng.int(3);
          let pad: ConvPad;
          let dimRoundingMode: ConvCase['dimRoundingMode'];
          if (padKind === 'explicit') pad = [[0, 0], [rng.int(3), rng.int(3)], [rng.int(3), rng.int(3)], [0, 0]];
          else if (padKind === 'number') {
            pad = rng.int(3);
            dimRoundingMode = pick(['floor', 'ceil', 'round'] as const);
          } else pad = padKind;
          // Alternate between batch 1 / channels 1 and larger ones so both appear for every stride.
          const small = variant++ % 2 === 0;
          const c: ConvCase = {
            batch: small ? 1 : 2 + rng.int(2),
            inHeight: 2 + rng.int(maxSize - 1),
            inWidth: 2 + rng.int(maxSize - 1),
            // 2–9 channels: both sides of the filter gradient's 4-channel switch between paths.
            inChannels: small ? 1 : 2 + rng.int(8),
            outDepth: options.depthwise ? 1 + rng.int(2) : small ? 1 + rng.int(2) : 2 + rng.int(3),
            filterHeight,
            filterWidth,
            strides: [stride, rng.bernoulli(0.5) ? stride : 1 + rng.int(3)],
            dilations: [dilation, dilation],
            pad,
            dimRoundingMode,
          };
          const geometry = convGeometry(c, options.depthwise);
          if (geometry.outHeight >= 1 && geometry.outWidth >= 1) {
            cases.push(c);
            break;
          }
        }
      }
    }
  }
  return cases;
}

function kernelAttrs(kernel: ConvGradientKernel, c: ConvCase): NamedAttrMap {
  const common = { strides: c.strides, pad: c.pad, dimRoundingMode: c.dimRoundingMode, dilations: c.dilations };
  const shapes = isFilterGradient(kernel) ? { filterShape: filterShape(c) } : { inputShape: inputShape(c) };
  const format = isDepthwise(kernel) ? {} : { dataFormat: 'NHWC' };
  return { ...common, ...shapes, ...format } as unknown as NamedAttrMap;
}

/**
 * Runs `kernel` for case `c` on the active backend through the engine and returns its output
 * values; disposes everything it created.
 */
export function runGradientKernel(kernel: ConvGradientKernel, c: ConvCase, operands: ConvOperands): Float32Array {
  return tf.tidy(() => {
    const depthwise = isDepthwise(kernel);
    const dy = tf.tensor4d(operands.dy, convGeometry(c, depthwise).outShape);
    const inputs = isFilterGradient(kernel)
      ? { x: tf.tensor4d(operands.x, inputShape(c)), dy }
      : { dy, filter: tf.tensor4d(operands.filter, filterShape(c)) };
    const out = tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap, kernelAttrs(kernel, c)) as tf.Tensor;
    const expectedShape = isFilterGradient(kernel) ? filterShape(c) : inputShape(c);
    if (out.shape.join() !== expectedShape.join()) throw new Error(`${kernel} returned shape [${out.shape}], expected [${expectedShape}]`);
    return out.dataSync() as Float32Array;
  });
}

/**
 * The CPU backend's result for `kernel` on case `c` (the CPU backend must be active). tfjs's
 * CPU gradient kernels ignore dilation, so a dilated case runs as the equivalent undilated one
 * with zeros inserted between the filter taps, and a filter gradient is sampled back at the taps.
 */
export function cpuReference(kernel: ConvGradientKernel, c: ConvCase, operands: ConvOperands): Float32Array {
  const [dh, dw] = c.dilations;
  if (dh === 1 && dw === 1) return runGradientKernel(kernel, c, operands);
  const dilated: ConvCase = {
    ...c,
    filterHeight: (c.filterHeight - 1) * dh + 1,
    filterWidth: (c.filterWidth - 1) * dw + 1,
    dilations: [1, 1],
  };
  const [kh, kw, ci, co] = filterShape(c);
  const khd = dilated.filterHeight;
  const kwd = dilated.filterWidth;
  // Flat index of tap (i, j), channel k, output l in a filter `width` taps wide.
  const at = (i: number, j: number, k: number, l: number, width: number) => ((i * width + j) * ci + k) * co + l;
  if (!isFilterGradient(kernel)) {
    const filter = new Float32Array(khd * kwd * ci * co);
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let k = 0; k < ci; k++) for (let l = 0; l < co; l++) filter[at(i * dh, j * dw, k, l, kwd)] = operands.filter[at(i, j, k, l, kw)];
    return runGradientKernel(kernel, dilated, { ...operands, filter });
  }
  const full = runGradientKernel(kernel, dilated, operands);
  const taps = new Float32Array(kh * kw * ci * co);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < ci; k++) for (let l = 0; l < co; l++) taps[at(i, j, k, l, kw)] = full[at(i * dh, j * dw, k, l, kwd)];
  return taps;
}

/**
 * Central-difference gradient of `L = Σ forward(x, filter) ⊙ dy` with respect to the filter
 * (filter kernels) or the input (input kernels), where `forward` is the active backend's
 * `Conv2D` kernel in float32 (a depthwise filter enters as the equivalent block-diagonal
 * regular filter, so stride and dilation may both exceed 1) and the sum is taken in float64.
 * `L` is linear in each operand, so the differences are exact up to float32 rounding for any
 * `step`.
 */
export function numericalGradient(kernel: ConvGradientKernel, c: ConvCase, operands: ConvOperands, step = 0.5): Float32Array {
  const depthwise = isDepthwise(kernel);
  const [kh, kw, ci, depth] = filterShape(c);
  const outChannels = depthwise ? ci * depth : depth;
  const regularFilter = (filter: Float32Array): Float32Array => {
    if (!depthwise) return filter;
    const full = new Float32Array(kh * kw * ci * outChannels);
    for (let tap = 0; tap < kh * kw; tap++)
      for (let k = 0; k < ci; k++)
        for (let m = 0; m < depth; m++) full[(tap * ci + k) * outChannels + k * depth + m] = filter[(tap * ci + k) * depth + m];
    return full;
  };
  const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, dimRoundingMode: c.dimRoundingMode, dataFormat: 'NHWC' } as unknown as NamedAttrMap;
  const loss = (x: Float32Array, filter: Float32Array): number =>
    tf.tidy(() => {
      const inputs = { x: tf.tensor4d(x, inputShape(c)), filter: tf.tensor4d(regularFilter(filter), [kh, kw, ci, outChannels]) };
      const values = (tf.engine().runKernel('Conv2D', inputs, attrs) as tf.Tensor).dataSync();
      let sum = 0;
      for (let i = 0; i < values.length; i++) sum += values[i] * operands.dy[i];
      return sum;
    });
  const wrtFilter = isFilterGradient(kernel);
  const base = wrtFilter ? operands.filter : operands.x;
  const gradient = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    const minus = base.slice();
    plus[i] += step;
    minus[i] -= step;
    const up = wrtFilter ? loss(operands.x, plus) : loss(plus, operands.filter);
    const down = wrtFilter ? loss(operands.x, minus) : loss(minus, operands.filter);
    gradient[i] = (up - down) / (2 * step);
  }
  return gradient;
}

/** `max |actual − expected| / max |expected|` (0 when both are all zeros). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length mismatch: ${actual.length} vs ${expected.length}`);
  let maxDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
  }
  if (!Number.isFinite(maxDiff)) return Infinity;
  return maxAbs === 0 ? maxDiff : maxDiff / maxAbs;
}

/**
 * Runs `kernel` on the active ('wasm') backend and reports its values together with how many
 * tensors and backend data buckets outlived the call (both must be 0).
 */
export function runWithLeakCount(
  kernel: ConvGradientKernel,
  c: ConvCase,
  operands: ConvOperands,
): { values: Float32Array; leakedTensors: number; leakedDataIds: number } {
  const tensorsBefore = tf.memory().numTensors;
  const dataIdsBefore = tf.engine().backend.numDataIds();
  const values = runGradientKernel(kernel, c, operands);
  return {
    values,
    leakedTensors: tf.memory().numTensors - tensorsBefore,
    leakedDataIds: tf.engine().backend.numDataIds() - dataIdsBefore,
  };
}
