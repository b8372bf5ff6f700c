import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { argumentError, checkImageBatch, describe, perSampleNumbers } from '../argument-checks.js';
import { emptyBatch } from '../empty-batch.js';

/**
 * The normalised 1-D Gaussian kernel torchvision uses (`_get_gaussian_kernel1d`): taps at
 * `−(k−1)/2 … (k−1)/2`, `exp(−½(t/σ)²)`, divided by their sum, in float32.
 *
 * @param kernelSize odd integer ≥ 1 (taps).
 * @param sigma standard deviation in pixels, > 0.
 */
export function gaussianKernel1d(kernelSize: number, sigma: number): Float32Array {
  if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0) {
    argumentError('gaussianKernel1d', `kernelSize must be an odd integer ≥ 1, but got ${kernelSize}`);
  }
  if (!(sigma > 0) || !Number.isFinite(sigma)) argumentError('gaussianKernel1d', `sigma must be > 0, but got ${sigma}`);
  const f = Math.fround;
  const half = (kernelSize - 1) / 2;
  const pdf = new Float32Array(kernelSize);
  let sum = 0;
  for (let i = 0; i < kernelSize; i++) {
    const t = f(f(i - half) / f(sigma));
    pdf[i] = f(Math.exp(f(-0.5 * f(t * t))));
    sum = f(sum + pdf[i]);
  }
  for (let i = 0; i < kernelSize; i++) pdf[i] = f(pdf[i] / sum);
  return pdf;
}

/** Mirror ("reflect", edge not repeated) source index for padded position `i` of an axis of length `len`. */
function reflectIndex(i: number, len: number): number {
  if (len === 1) return 0;
  const period = 2 * (len - 1);
  let m = ((i % period) + period) % period;
  if (m >= len) m = period - m;
  return m;
}

/** One separable pass along `axis` (1 = rows/height, 2 = columns/width) with per-sample kernels. */
function blurAxis(x: Tensor4D, axis: 1 | 2, kernels: Float32Array[]): Tensor4D {
  const [n, h, w, c] = x.shape;
  const len = axis === 1 ? h : w;
  const k = kernels[0].length;
  const half = (k - 1) / 2;
  if (k === 1) return x;
  const padIndex = new Int32Array(len + 2 * half);
  for (let i = 0; i < padIndex.length; i++) padIndex[i] = reflectIndex(i - half, len);
  const padded = tf.gather(x, tf.tensor1d(padIndex, 'int32'), axis) as Tensor4D;
  let acc: Tensor4D | null = null;
  for (let j = 0; j < k; j++) {
    const weights = new Float32Array(n);
    for (let s = 0; s < n; s++) weights[s] = kernels[s][j];
    const begin: [number, number, number, number] = axis === 1 ? [0, j, 0, 0] : [0, 0, j, 0];
    const tap = tf.mul(tf.slice(padded, begin, [n, h, w, c]), tf.tensor4d(weights, [n, 1, 1, 1])) as Tensor4D;
    acc = acc === null ? tap : (tf.add(acc, tap) as Tensor4D);
  }
  return acc as Tensor4D;
}

/**
 * Gaussian blur (torchvision `F.gaussian_blur`): reflect padding, then the kernel of
 * {@link gaussianKernel1d} along the rows and along the columns (separable; torchvision's 2-D
 * kernel is the outer product of the same two 1-D kernels, so results agree to float rounding).
 * The paper's `GBlur_<k>_<s>` (Figure 1); SimCLR's optional blur.
 *
 * @param x NHWC float32 batch, any number of channels.
 * @param kernelSize odd integer ≥ 1, or `[kh, kw]` (height first; note torchvision's
 *   `kernel_size` lists the width first). Each half-size must be smaller than the image side
 *   (reflect padding needs it).
 * @param sigma standard deviation in pixels (> 0) for both axes: one number for the batch or one
 *   per sample.
 */
export function gaussianBlur(x: Tensor4D, kernelSize: number | readonly [number, number], sigma: number | ArrayLike<number>): Tensor4D {
  const op = 'gaussianBlur';
  const [n, h, w, c] = checkImageBatch(op, x);
  const ks = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  if (!Array.isArray(ks) || ks.length !== 2) argumentError(op, `kernelSize must be an odd integer ≥ 1 or [kh, kw], but got ${describe(kernelSize)}`);
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1 || k % 2 === 0) argumentError(op, `kernelSize must be odd integers ≥ 1, but got ${describe(kernelSize)}`);
  }
  const [kh, kw] = ks;
  if ((kh - 1) / 2 >= h || (kw - 1) / 2 >= w) {
    argumentError(op, `kernelSize ${describe(kernelSize)} is too large for ${h}×${w} images (reflect padding needs (k − 1) / 2 < side)`);
  }
  const sigmas = perSampleNumbers(op, 'sigma', sigma, n, (v) => v > 0, 'a number > 0');
  if (n === 0) return emptyBatch(h, w, c);
  return tf.tidy(() => {
    const rows = blurAxis(x, 1, Array.from(sigmas, (s) => gaussianKernel1d(kh, s)));
    // Columns through a transpose: slices along the image rows are contiguous, along columns they
    // are strided (several times slower on WASM). Exact copies, so the result is unchanged.
    const colKernels = Array.from(sigmas, (s) => gaussianKernel1d(kw, s));
    const out = kw === 1 ? rows : (tf.transpose(blurAxis(tf.transpose(rows, [0, 2, 1, 3]) as Tensor4D, 1, colKernels), [0, 2, 1, 3]) as Tensor4D);
    return out === x ? tf.clone(x) : out;
  });
}
