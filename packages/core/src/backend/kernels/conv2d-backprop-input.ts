import { Conv2DBackpropInput, util } from '@tensorflow/tfjs-core';
import type { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, Conv2DBackpropInputInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convAxes, planInputGradient, planInputGradientPhases } from './conv-backprop-geometry.js';
import type { InputGradientPhase } from './conv-backprop-geometry.js';
import { convBackpropInfo } from './conv-backprop-info.js';
import type { ConvBackpropAttrs } from './conv-backprop-info.js';
import { runForwardConv } from './forward-conv.js';
import { cropWasmTensor, disposeWasmTensor, zerosWasmTensor } from './run-wasm-kernel.js';
import { spreadByStride } from './spread-by-stride.js';
import { reversedSubFilter } from './sub-filter.js';
import { coveredBySimdInputGradient, simdInputGradient } from './simd-input-gradient.js';

/**
 * A fast `Conv2DBackpropInput` for the 'wasm' backend, NHWC, replacing the stock kernel (a
 * scalar loop, ~10x slower than the forward convolution).
 *
 * Stride 1 and dilation 1 with input channels a multiple of 8 (ResNet-18's and smallCnn's
 * stride-1 layers past the first) run bdst's own WebAssembly SIMD kernel (`simdInputGradient`,
 * packages/core/kernels/input-gradient.c): 0.58–0.85× the forward convolution's time on
 * ResNet-18's shapes where the XNNPACK path below took ~1.0×; a whole ResNet-18 step (batch 64,
 * one thread) 1.05–1.15× faster, smallCnn 16-32-64 (batch 128) 1.03–1.05×. Everything else:
 *
 * The input gradient is the transposed convolution of `dy` with the filter. With dilation 1 it
 * runs as one stride-1 forward convolution (the wasm backend's own XNNPACK `Conv2D`) per output
 * phase: for stride s the input positions with `h mod s = r` and `w mod s = r'` receive `dy` only
 * through the filter taps `≡ r + padTop (mod s)` × `≡ r' + padLeft (mod s)`, so each of the s²
 * phases convolves `dy` with that sub-filter (reversed, in/out channels swapped; see
 * `planInputGradientPhases`) and the results are interleaved into `dx`. That is exactly the
 * gradient's arithmetic — the earlier "spread `dy` with stride − 1 zeros, then convolve with the
 * whole filter" form multiplied by zeros 3/4 of the time at stride 2 and measured 3.9–4.4× the
 * forward convolution's time on ResNet-18's stride-2 layers. With stride 1 there is one phase and
 * no interleave. A dilation > 1 (stride 1 in tfjs) keeps the spread form: forward convolution of
 * the zero-padded `dy` with the whole filter reversed (the same `reversedSubFilter`) at that
 * dilation. Supports every stride, every padding ('same', 'valid', a number with any
 * `dimRoundingMode`, explicit per-side padding).
 */
function conv2DBackpropInput(args: { inputs: Conv2DBackpropInputInputs; backend: BackendWasm; attrs: Conv2DBackpropInputAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const info = convBackpropInfo('Conv2DBackpropInput', attrs.inputShape, filter.shape, attrs as ConvBackpropAttrs, false, dy.shape);
  if (util.sizeFromShape(info.inShape) === 0 || util.sizeFromShape(info.outShape) === 0) return zerosWasmTensor(backend, [...info.inShape]);
  if (coveredBySimdInputGradient(info)) {
    const dx = simdInputGradient(backend, dy, filter, info);
    if (dx !== null) return dx;
  }
  if (info.dilationHeight === 1 && info.dilationWidth === 1) return inputGradientByPhases(backend, dy, filter, info);

  const { rows, cols } = planInputGradient(info);
  const spread = spreadByStride(backend, dy, info.strideHeight, info.strideWidth);
  const flippedT = reversedSubFilter(
    backend,
    filter,
    { first: 0, step: 1, count: info.filterHeight },
    { first: 0, step: 1, count: info.filterWidth },
  );
  const conv = runForwardConv(backend, 'Conv2D', spread, flippedT, { strides: [1, 1], dilations: [info.dilationHeight, info.dilationWidth], rows, cols });
  disposeWasmTensor(backend, spread);
  disposeWasmTensor(backend, flippedT);
  const dx = cropWasmTensor(backend, conv, [0, rows.cropBefore, cols.cropBefore, 0], [...info.inShape]);
  disposeWasmTensor(backend, conv);
  return dx;
}

/** The input gradient of a dilation-1 convolution, one forward convolution per output phase. */
function inputGradientByPhases(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const axes = convAxes(info);
  const rowPhases = planInputGradientPhases(axes.rows);
  const colPhases = planInputGradientPhases(axes.cols);
  const [batch, inHeight, inWidth, inChannels] = info.inShape;
  const phaseConv = (r: InputGradientPhase, c: InputGradientPhase): TensorInfo => {
    const subFilter = reversedSubFilter(
      backend,
      filter,
      { first: r.firstTap, step: info.strideHeight, count: r.taps },
      { first: c.firstTap, step: info.strideWidth, count: c.taps },
    );
    const conv = runForwardConv(backend, 'Conv2D', dy, subFilter, { strides: [1, 1], dilations: [1, 1], rows: r, cols: c });
    disposeWasmTensor(backend, subFilter);
    return conv;
  };

  if (rowPhases.length === 1 && colPhases.length === 1 && rowPhases[0].taps > 0 && colPhases[0].taps > 0) {
    const [r, c] = [rowPhases[0], colPhases[0]];
    const conv = phaseConv(r, c);
    const dx = cropWasmTensor(backend, conv, [0, r.cropBefore, c.cropBefore, 0], [...info.inShape]);
    disposeWasmTensor(backend, conv);
    return dx;
  }

  const dx = backend.makeOutput([...info.inShape], 'float32');
  if (rowPhases.some((r) => r.taps === 0) || colPhases.some((c) => c.taps === 0)) {
    (backend.typedArrayFromHeap(dx) as Float32Array).fill(0); // positions no tap reaches
  }
  for (const r of rowPhases) {
    for (const c of colPhases) {
      if (r.taps === 0 || c.taps === 0 || r.count === 0 || c.count === 0) continue;
      const conv = phaseConv(r, c);
      // Views after the convolution's allocation: growing the heap detaches earlier ones.
      const source = backend.typedArrayFromHeap(conv) as Float32Array;
      const target = backend.typedArrayFromHeap(dx) as Float32Array;
      const [, convHeight, convWidth] = conv.shape;
      for (let n = 0; n < batch; n++) {
        for (let q = 0; q < r.count; q++) {
          let from = ((n * convHeight + q + r.cropBefore) * convWidth + c.cropBefore) * inChannels;
          let to = ((n * inHeight + q * info.strideHeight + r.residue) * inWidth + c.residue) * inChannels;
          for (let p = 0; p < c.count; p++) {
            if (inChannels >= 16) target.set(source.subarray(from, from + inChannels), to);
            else for (let k = 0; k < inChannels; k++) target[to + k] = source[from + k];
            from += inChannels;
            to += info.strideWidth * inChannels;
          }
        }
      }
      disposeWasmTensor(backend, conv);
    }
  }
  return dx;
}

/**
 * Kernel config of bdst's `Conv2DBackpropInput` for the 'wasm' backend (registered by
 * `register-wasm-kernels.ts` in place of the stock one); the gradient of `Conv2D` with respect
 * to its input.
 */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
