import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { disposeWasmTensor, heapOffset } from './run-wasm-kernel.js';
import { simdKernels } from './simd-kernels.js';

/**
 * The four passes over the activations of bdst's training-mode BatchNorm kernels
 * (`batch-norm-training.ts`), on an NHWC activation viewed as `[rows, C]`: two per-channel sums
 * and two per-channel affine maps. Each runs as bdst's WebAssembly SIMD kernel
 * (packages/core/kernels/batch-norm-training.c) on the tensors in place, or, where the kernels
 * cannot run, as the JavaScript loop beside it. Both widen every value to float64 and sum and
 * combine in the same order, so they agree bit for bit (tested); the SIMD passes made smallCnn
 * 16-32-64's BatchNorm ~3× faster (batch 128: forward 9.9 → 3.4 ms, gradient 15.8 → 5.4 ms).
 */
export interface BatchNormPasses {
  /** `[Σ_r x[r, c] for each c, then Σ_r x[r, c]² for each c]`, float64, summed in blocks of `rowBlock` rows. */
  sums(x: TensorInfo, rowBlock: number): Float64Array;
  /** Writes `y[r, c] = x[r, c]·factor[c] + shift[c]` (float64, rounded once). */
  affine(x: TensorInfo, factor: Float32Array, shift: Float32Array, y: TensorInfo): void;
  /** `[Σ_r dy[r, c] for each c, then Σ_r dy[r, c]·(x[r, c] − mean[c]) for each c]`, float64, in blocks of `rowBlock` rows. */
  gradientSums(dy: TensorInfo, x: TensorInfo, mean: TensorInfo, rowBlock: number): Float64Array;
  /** Writes `dx[r, c] = onDy[c]·dy[r, c] + onX[c]·x[r, c] + constant[c]` (float64, rounded once). */
  gradientDx(dy: TensorInfo, x: TensorInfo, onDy: Float32Array, onX: Float32Array, constant: Float32Array, dx: TensorInfo): void;
}

/** `[rows, C]` of an activation `[…, C]`: rows = the product of every dimension but the last. */
export function rowsAndChannels(x: TensorInfo): [number, number] {
  const channels = x.shape[x.shape.length - 1];
  return [x.shape.slice(0, -1).reduce((a, b) => a * b, 1), channels];
}

/**
 * The passes on `backend`: the SIMD kernels when they can run there, else (or with `simd: false`,
 * which the tests use to compare the two) the JavaScript loops.
 */
export function batchNormPasses(backend: BackendWasm, { simd = true }: { simd?: boolean } = {}): BatchNormPasses {
  const heap = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const kernels = simd ? simdKernels(backend) : null;
  if (kernels === null) {
    return {
      sums: (x, rowBlock) => javascriptSums(heap(x), null, null, ...rowsAndChannels(x), rowBlock),
      affine: (x, factor, shift, y) => {
        const xs = heap(x);
        const ys = heap(y);
        const channels = rowsAndChannels(x)[1];
        for (let i = 0, c = 0; i < xs.length; i++) {
          ys[i] = xs[i] * factor[c] + shift[c];
          if (++c === channels) c = 0;
        }
      },
      gradientSums: (dy, x, mean, rowBlock) => javascriptSums(heap(dy), heap(x), heap(mean), ...rowsAndChannels(x), rowBlock),
      gradientDx: (dy, x, onDy, onX, constant, dx) => {
        const gs = heap(dy);
        const xs = heap(x);
        const out = heap(dx);
        const channels = rowsAndChannels(x)[1];
        for (let i = 0, c = 0; i < xs.length; i++) {
          out[i] = onDy[c] * gs[i] + onX[c] * xs[i] + constant[c];
          if (++c === channels) c = 0;
        }
      },
    };
  }
  /** Runs `body` with `floats` float32 values of scratch space in the backend's memory (its byte offset, 8-aligned), then frees it. */
  const withScratch = <T>(floats: number, body: (at: number, view: () => Float32Array) => T): T => {
    const scratch = backend.makeOutput([floats + 2], 'float32');
    try {
      const start = heapOffset(backend, scratch);
      // Arithmetic, not `& ~7`: offsets reach 4 GiB, past int32 (bitwise ops would turn them negative).
      const at = Math.ceil(start / 8) * 8;
      return body(at, () => new Float32Array(heap(scratch).buffer, at, floats));
    } finally {
      disposeWasmTensor(backend, scratch);
    }
  };
  const float64At = (view: Float32Array, length: number) => new Float64Array(view.buffer, view.byteOffset, length).slice();
  return {
    sums: (x, rowBlock) => {
      const [rows, channels] = rowsAndChannels(x);
      return withScratch(4 * channels, (at, view) => {
        kernels.batch_norm_sums(heapOffset(backend, x), at, rows, channels, rowBlock);
        return float64At(view(), 2 * channels);
      });
    },
    affine: (x, factor, shift, y) => {
      const [rows, channels] = rowsAndChannels(x);
      withScratch(2 * channels, (at, view) => {
        view().set(factor);
        view().set(shift, channels);
        kernels.batch_norm_affine(heapOffset(backend, x), at, at + 4 * channels, heapOffset(backend, y), rows, channels);
      });
    },
    gradientSums: (dy, x, mean, rowBlock) => {
      const [rows, channels] = rowsAndChannels(x);
      return withScratch(4 * channels, (at, view) => {
        kernels.batch_norm_gradient_sums(heapOffset(backend, dy), heapOffset(backend, x), heapOffset(backend, mean), at, rows, channels, rowBlock);
        return float64At(view(), 2 * channels);
      });
    },
    gradientDx: (dy, x, onDy, onX, constant, dx) => {
      const [rows, channels] = rowsAndChannels(x);
      withScratch(3 * channels, (at, view) => {
        view().set(onDy);
        view().set(onX, channels);
        view().set(constant, 2 * channels);
        kernels.batch_norm_gradient_dx(heapOffset(backend, dy), heapOffset(backend, x), at, at + 4 * channels, at + 8 * channels, heapOffset(backend, dx), rows, channels);
      });
    },
  };
}

/**
 * The JavaScript sums: per block of `rowBlock` rows, per channel, a float64 sum over the block's
 * rows added to the channel's total. Without `x` and `mean`: Σ v and Σ v² of `values`; with
 * them: Σ v and Σ v·(x − mean) (v = dy).
 */
function javascriptSums(values: Float32Array, x: Float32Array | null, mean: Float32Array | null, rows: number, channels: number, rowBlock: number): Float64Array {
  const sums = new Float64Array(2 * channels);
  for (let r0 = 0; r0 < rows; r0 += rowBlock) {
    const end = Math.min(rows, r0 + rowBlock) * channels;
    for (let c = 0; c < channels; c++) {
      const m = mean === null ? 0 : mean[c];
      let s = 0;
      let q = 0;
      for (let i = r0 * channels + c; i < end; i += channels) {
        const v = values[i];
        s += v;
        q += x === null ? v * v : v * (x[i] - m);
      }
      sums[c] += s;
      sums[channels + c] += q;
    }
  }
  return sums;
}
