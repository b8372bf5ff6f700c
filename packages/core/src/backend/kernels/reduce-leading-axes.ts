import { Mean, Sum, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { withFastPath } from './fast-path-kernel.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';

/**
 * Sums (or averages) a float32 tensor over its leading axes `[0, k)` with `k < rank`, i.e. over
 * the rows of its `[M, C]` view — the reduction of every NHWC BatchNorm statistic and gradient
 * and of every bias gradient (`axis: [0, 1, 2]`). One sequential pass on the WASM heap with a
 * float64 accumulator per column, instead of the stock kernels' full transpose first. Returns
 * null for any other reduction (the caller then runs the stock kernel).
 */
function reduceLeadingAxes({ inputs, backend, attrs }: WasmKernelArgs, mean: boolean): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  if (x.dtype !== 'float32') return null;
  const rank = x.shape.length;
  const requested = attrs.axis as number | number[];
  const axes = util.parseAxisParam(requested, x.shape).sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= rank || axes.some((axis, i) => axis !== i || (i > 0 && axes[i - 1] === axis))) return null;
  const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
  const cols = util.sizeFromShape(x.shape.slice(axes.length));
  if (rows === 0 || cols === 0) return null;
  const outShape = attrs.keepDims ? [...x.shape.slice(0, axes.length).map(() => 1), ...x.shape.slice(axes.length)] : x.shape.slice(axes.length);
  const out = backend.makeOutput(outShape, 'float32');
  // Views after the allocation: growing the heap detaches earlier ones.
  const values = backend.typedArrayFromHeap(x) as Float32Array;
  const outValues = backend.typedArrayFromHeap(out) as Float32Array;
  const sums = new Float64Array(cols);
  for (let offset = 0; offset < values.length; offset += cols) {
    for (let c = 0; c < cols; c++) sums[c] += values[offset + c];
  }
  for (let c = 0; c < cols; c++) outValues[c] = mean ? sums[c] / rows : sums[c];
  return out;
}

/** Kernel config of bdst's `Sum` for 'wasm' (leading-axes fast path, else the stock kernel). */
export const sumConfig = withFastPath(Sum, (args) => reduceLeadingAxes(args, false));

/** Kernel config of bdst's `Mean` for 'wasm' (leading-axes fast path, else the stock kernel). */
export const meanConfig = withFastPath(Mean, (args) => reduceLeadingAxes(args, true));
