import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeWasmTensor, reshapeWasmTensor, runWasmKernel } from './run-wasm-kernel.js';

/**
 * Spreads an NHWC tensor `[N, H, W, C]` out to `[N, H * strideHeight, W * strideWidth, C]`:
 * element `[n, h, w, c]` moves to `[n, h * strideHeight, w * strideWidth, c]` and every other
 * position is zero (`stride - 1` zeros follow each element along each axis). This is the
 * "dilate `dy` by the stride" step of a transposed convolution. Returns a new reference the
 * caller releases; strides of 1 return `x` itself with one more reference.
 */
export function spreadByStride(backend: BackendWasm, x: TensorInfo, strideHeight: number, strideWidth: number): TensorInfo {
  const [n, h, w, c] = x.shape;
  if (strideHeight === 1 && strideWidth === 1) return reshapeWasmTensor(backend, x, [n, h, w, c]);
  const sixD = reshapeWasmTensor(backend, x, [n, h, 1, w, 1, c]);
  const padded = runWasmKernel(
    backend,
    'PadV2',
    { x: sixD },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, strideHeight - 1],
        [0, 0],
        [0, strideWidth - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  disposeWasmTensor(backend, sixD);
  const spread = reshapeWasmTensor(backend, padded, [n, h * strideHeight, w * strideWidth, c]);
  disposeWasmTensor(backend, padded);
  return spread;
}
