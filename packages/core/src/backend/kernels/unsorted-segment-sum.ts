import { UnsortedSegmentSum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, UnsortedSegmentSumAttrs, UnsortedSegmentSumInputs } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * `UnsortedSegmentSum` for the 'wasm' backend (stock tfjs-backend-wasm 4.22 has none); it is
 * the gradient of `gather`, so training anything that gathers needs it.
 *
 * `out[s, …] = Σ_{i : segmentIds[i] = s} x[i, …]` where `segmentIds` (int32) has the shape of
 * a leading part of `x`; ids outside `[0, numSegments)` are dropped (TensorFlow semantics).
 * One pass over `x` in place on the WASM heap, accumulating in `x`'s dtype (float32 or int32).
 */
function unsortedSegmentSum(args: { inputs: UnsortedSegmentSumInputs; backend: BackendWasm; attrs: UnsortedSegmentSumAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const segmentIds = inputs.segmentIds as TensorInfo;
  const { numSegments } = attrs;
  const idsRank = segmentIds.shape.length;
  util.assert(
    util.arraysEqual(segmentIds.shape, x.shape.slice(0, idsRank)),
    () => `Error in UnsortedSegmentSum (bdst wasm): segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
  );
  util.assert(
    Number.isInteger(numSegments) && numSegments >= 0,
    () => `Error in UnsortedSegmentSum (bdst wasm): numSegments must be a non-negative integer, but got ${numSegments}`,
  );
  util.assert(
    x.dtype === 'float32' || x.dtype === 'int32',
    () => `Error in UnsortedSegmentSum (bdst wasm): x must be float32 or int32, but got ${x.dtype}`,
  );
  const inner = util.sizeFromShape(x.shape.slice(idsRank));
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idsRank)], x.dtype);
  // Views are taken after the allocation: growing the heap would detach earlier ones.
  const outValues = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const xValues = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array | Float32Array;
  outValues.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i];
    if (!(segment >= 0 && segment < numSegments)) continue;
    const from = i * inner;
    const to = segment * inner;
    for (let j = 0; j < inner; j++) outValues[to + j] += xValues[from + j];
  }
  return out;
}

/**
 * Kernel config of bdst's `UnsortedSegmentSum` for the 'wasm' backend (registered by
 * `register-wasm-kernels.ts`).
 */
export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
