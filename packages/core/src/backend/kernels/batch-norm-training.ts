import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { batchNormPasses, rowsAndChannels } from './batch-norm-passes.js';
import type { WasmKernelArgs } from './fast-path-kernel.js';

/** Kernel name of {@link batchNormTrainingForwardConfig}: outputs `[y, mean, variance]`. */
export const BATCH_NORM_TRAINING_FORWARD = 'BdstBatchNormTrainingForward';
/** Kernel name of {@link batchNormTrainingBackwardConfig}: outputs `[dx, dScale, dOffset]`. */
export const BATCH_NORM_TRAINING_BACKWARD = 'BdstBatchNormTrainingBackward';

/**
 * Values per block: each sum pass walks a block of `⌊BLOCK_VALUES / C⌋` rows (16 KiB, in the L1
 * cache) once per channel (once per 4 channels in the SIMD pass), with that channel's sums in
 * local variables. The block size fixes the summation order, so it is part of the results.
 */
const BLOCK_VALUES = 4096;

/** Checks the `[…, C]` float32 activation and `[C]` per-channel inputs; returns M (rows) and C. */
function checkedRowsAndChannels(kernel: string, x: TensorInfo, perChannel: TensorInfo[]): { rows: number; channels: number } {
  const [rows, channels] = rowsAndChannels(x);
  if (x.dtype !== 'float32' || x.shape.length < 2) throw new Error(`${kernel}: x must be float32 of rank ≥ 2, got ${x.dtype} ${JSON.stringify(x.shape)}`);
  for (const t of perChannel) {
    if (t.shape.length !== 1 || t.shape[0] !== channels || t.dtype !== 'float32') {
      throw new Error(`${kernel}: per-channel inputs must be float32 [${channels}], got ${t.dtype} ${JSON.stringify(t.shape)}`);
    }
  }
  return { rows, channels };
}

/**
 * Training-mode batch normalisation over every axis but the last (NHWC BatchNorm), in one kernel:
 * the per-channel batch mean and biased variance (one pass of float64 sums of x and x², as
 * `tf.moments` defines them), then `y = (x − mean) / sqrt(variance + epsilon) · scale + offset`. Replaces the
 * `moments` + `batchNormalization` chain of tfjs-layers' `BatchNormalization` (see
 * `fused-batch-norm.ts`).
 */
function batchNormTrainingForward({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo[] {
  const { x, scale, offset } = inputs as Record<string, TensorInfo>;
  const { rows, channels } = checkedRowsAndChannels(BATCH_NORM_TRAINING_FORWARD, x, [scale, offset]);
  const epsilon = attrs.epsilon as number;
  const passes = batchNormPasses(backend);
  const y = backend.makeOutput(x.shape, 'float32');
  const meanOut = backend.makeOutput([channels], 'float32');
  const varianceOut = backend.makeOutput([channels], 'float32');
  // One pass for Σx and Σx² (float64: for float32 activations the cancellation in Σx²/M − mean²
  // costs nothing measurable), one to write y — the kernel is memory-bound.
  const sums = passes.sums(x, Math.max(1, Math.floor(BLOCK_VALUES / channels)));
  // Views after every allocation: growing the heap detaches earlier ones.
  const gamma = (backend.typedArrayFromHeap(scale) as Float32Array).slice();
  const beta = (backend.typedArrayFromHeap(offset) as Float32Array).slice();
  const mean = new Float32Array(channels);
  const variance = new Float32Array(channels);
  const factor = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = rows > 0 ? sums[c] / rows : 0;
    mean[c] = m;
    variance[c] = rows > 0 ? Math.max(0, sums[channels + c] / rows - m * m) : 0;
    factor[c] = gamma[c] / Math.sqrt(variance[c] + epsilon);
    shift[c] = beta[c] - mean[c] * factor[c];
  }
  passes.affine(x, factor, shift, y);
  (backend.typedArrayFromHeap(meanOut) as Float32Array).set(mean);
  (backend.typedArrayFromHeap(varianceOut) as Float32Array).set(variance);
  return [y, meanOut, varianceOut];
}

/**
 * The gradient of {@link batchNormTrainingForward} with the batch statistics' own dependence on x
 * included (M = rows, x̂ = (x − mean)/σ, σ = sqrt(variance + epsilon)):
 * `dOffset = Σ dy`, `dScale = Σ dy·x̂`, `dx = scale/σ · (dy − dOffset/M − x̂·dScale/M)`.
 * Two passes (the sums in float64, then dx as a per-channel affine function of dy and x).
 */
function batchNormTrainingBackward({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo[] {
  const { dy, x, scale, mean, variance } = inputs as Record<string, TensorInfo>;
  const { rows, channels } = checkedRowsAndChannels(BATCH_NORM_TRAINING_BACKWARD, x, [scale, mean, variance]);
  const epsilon = attrs.epsilon as number;
  const passes = batchNormPasses(backend);
  const dx = backend.makeOutput(x.shape, 'float32');
  const dScaleOut = backend.makeOutput([channels], 'float32');
  const dOffsetOut = backend.makeOutput([channels], 'float32');
  const sums = passes.gradientSums(dy, x, mean, Math.max(1, Math.floor(BLOCK_VALUES / channels)));
  const gamma = (backend.typedArrayFromHeap(scale) as Float32Array).slice();
  const mu = (backend.typedArrayFromHeap(mean) as Float32Array).slice();
  const v = backend.typedArrayFromHeap(variance) as Float32Array;
  const invStd = new Float32Array(channels);
  for (let c = 0; c < channels; c++) invStd[c] = 1 / Math.sqrt(v[c] + epsilon);
  const dScale = new Float32Array(channels);
  const onDy = new Float32Array(channels);
  const onX = new Float32Array(channels);
  const constant = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    dScale[c] = sums[channels + c] * invStd[c];
    const a = gamma[c] * invStd[c];
    const b = rows > 0 ? (-a * invStd[c] * dScale[c]) / rows : 0;
    onDy[c] = a;
    onX[c] = b;
    constant[c] = rows > 0 ? (-a * sums[c]) / rows - b * mu[c] : 0;
  }
  passes.gradientDx(dy, x, onDy, onX, constant, dx);
  (backend.typedArrayFromHeap(dScaleOut) as Float32Array).set(dScale);
  (backend.typedArrayFromHeap(dOffsetOut) as Float32Array).set(Float32Array.from(sums.subarray(0, channels)));
  return [dx, dScaleOut, dOffsetOut];
}

/** Kernel config of bdst's fused training-mode BatchNorm forward for 'wasm'. */
export const batchNormTrainingForwardConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING_FORWARD,
  backendName: 'wasm',
  kernelFunc: batchNormTrainingForward as unknown as KernelFunc,
};

/** Kernel config of bdst's fused training-mode BatchNorm gradient for 'wasm'. */
export const batchNormTrainingBackwardConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING_BACKWARD,
  backendName: 'wasm',
  kernelFunc: batchNormTrainingBackward as unknown as KernelFunc,
};
