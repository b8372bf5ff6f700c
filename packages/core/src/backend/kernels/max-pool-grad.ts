import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core';
import type { MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';
import { heapOffset } from './run-wasm-kernel.js';
import { simdKernels } from './simd-kernels.js';

/**
 * The gradient of 2-D max pooling, NHWC float32: each window's `dy` goes to the window's largest
 * input — the first in row-major window order on ties, as tfjs' CPU backend and TensorFlow pick
 * it; nowhere when the whole window is NaN — summed where windows overlap.
 *
 * Replaces tfjs-backend-wasm 4.22's `MaxPoolGrad` for float32 because that kernel disagrees with
 * the CPU backend wherever windows overlap or are padded (e.g. a 3×3 stride-2 'same' pool, or a
 * 2×2 'same' pool of an odd-sized map such as 7×7 — Fashion-MNIST's second pool), and is slower on
 * the common case. The 2×2 stride-2 unpadded pools of every CNN here take bdst's WebAssembly SIMD
 * pass (packages/core/kernels/max-pool-gradient.c, 4 channels per vector; the JavaScript pass
 * {@link maxPoolGrad2x2}, which it equals bit for bit, where the kernels cannot run); all others
 * a channel-vectorised scan.
 * Returns null (the stock kernel) for non-float32 inputs.
 */
function maxPoolGrad({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo | null {
  const dy = inputs.dy as TensorInfo;
  const input = inputs.input as TensorInfo;
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const dx = backend.makeOutput(input.shape, 'float32');
  // Views after the allocation: growing the heap detaches earlier ones.
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const out = backend.typedArrayFromHeap(dx) as Float32Array;
  const { filterHeight, filterWidth, strideHeight, strideWidth, padInfo, outHeight, outWidth, inHeight, inWidth } = info;
  const twoByTwo = filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2;
  if (twoByTwo && padInfo.top === 0 && padInfo.left === 0 && outHeight * 2 <= inHeight && outWidth * 2 <= inWidth) {
    const kernels = simdKernels(backend);
    if (kernels === null) maxPoolGrad2x2(x, g, out, info);
    else {
      if (outHeight * 2 < inHeight || outWidth * 2 < inWidth) out.fill(0);
      kernels.max_pool_gradient_2x2(heapOffset(backend, input), heapOffset(backend, dy), heapOffset(backend, dx), info.batchSize, inHeight, inWidth, info.inChannels, outHeight, outWidth);
    }
  } else maxPoolGradAnyWindow(x, g, out, info);
  return dx;
}

/** Kernel config of bdst's `MaxPoolGrad` for 'wasm' (float32; the stock kernel otherwise). */
export const maxPoolGradConfig = withFastPath(MaxPoolGrad, maxPoolGrad);

/**
 * {@link maxPoolGrad}'s 2×2 stride-2 pass in JavaScript, where the SIMD kernels cannot run (and
 * the tests' reference for them); inputs outside every window (an odd trailing row / column) get 0.
 */
export function maxPoolGrad2x2(x: Float32Array, g: Float32Array, out: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth } = info;
  const rowStride = inWidth * C;
  if (outHeight * 2 < inHeight || outWidth * 2 < inWidth) out.fill(0);
  let at = 0;
  for (let b = 0; b < batchSize; b++) {
    const image = b * inHeight * rowStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const row0 = image + 2 * oh * rowStride;
      const row1 = row0 + rowStride;
      for (let ow = 0; ow < outWidth; ow++, at += C) {
        const p00 = row0 + 2 * ow * C;
        const p01 = p00 + C;
        const p10 = row1 + 2 * ow * C;
        const p11 = p10 + C;
        for (let c = 0; c < C; c++) {
          const v0 = x[p00 + c];
          const v1 = x[p01 + c];
          const v2 = x[p10 + c];
          const v3 = x[p11 + c];
          // The scan order of the CPU kernel: strictly greater replaces, so ties keep the first.
          let best = -Infinity;
          let winner = -1;
          if (v0 > best) {
            best = v0;
            winner = 0;
          }
          if (v1 > best) {
            best = v1;
            winner = 1;
          }
          if (v2 > best) {
            best = v2;
            winner = 2;
          }
          if (v3 > best) winner = 3;
          const gradient = g[at + c];
          out[p00 + c] = winner === 0 ? gradient : 0;
          out[p01 + c] = winner === 1 ? gradient : 0;
          out[p10 + c] = winner === 2 ? gradient : 0;
          out[p11 + c] = winner === 3 ? gradient : 0;
        }
      }
    }
  }
}

/** {@link maxPoolGrad}'s general pass: any window, stride and padding; overlapping windows accumulate. */
function maxPoolGradAnyWindow(x: Float32Array, g: Float32Array, out: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const rowStride = inWidth * C;
  const maxValue = new Float32Array(C);
  const maxAt = new Int32Array(C);
  out.fill(0);
  let at = 0;
  for (let b = 0; b < batchSize; b++) {
    const image = b * inHeight * rowStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - info.padInfo.top;
      const rowEnd = Math.min(inHeight, top + filterHeight);
      for (let ow = 0; ow < outWidth; ow++, at += C) {
        const left = ow * strideWidth - info.padInfo.left;
        const colEnd = Math.min(inWidth, left + filterWidth);
        maxValue.fill(-Infinity);
        maxAt.fill(-1);
        for (let r = Math.max(0, top); r < rowEnd; r++) {
          for (let col = Math.max(0, left); col < colEnd; col++) {
            const p = image + r * rowStride + col * C;
            for (let c = 0; c < C; c++) {
              if (x[p + c] > maxValue[c]) {
                maxValue[c] = x[p + c];
                maxAt[c] = p + c;
              }
            }
          }
        }
        for (let c = 0; c < C; c++) if (maxAt[c] >= 0) out[maxAt[c]] += g[at + c];
      }
    }
  }
}
