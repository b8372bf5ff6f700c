import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeWasmTensor, disposeWasmView, runWasmKernel, wasmView } from './run-wasm-kernel.js';
import { transposeTiles } from './transpose-tiles.js';

/**
 * Padded-grid positions per chunk (the matrix products' reduction length). XNNPACK's matrix
 * product has no blocking along the reduction axis: it re-reads its packed right-hand operand
 * (here `dy`, `positions × Co`) for every tile of output rows, so chunks keep that operand near
 * the cache. Measured one thread, `[Ci, K] · [K, Co]`: 29–33 GFLOP/s for K ≈ 8K–16K.
 */
const CHUNK_POSITIONS = 16384;

/** Largest (padded grid positions) ÷ (output positions) for which this path pays: the zero border is computed too. */
const MAX_GRID_OVERHEAD = 1.3;

/**
 * Whether {@link filterGradientByShiftedRows} is used: stride 1 and dilation 1, and either at
 * most 4 input channels (first layers: it replaced per-tap products that packed the input nine
 * times — 32×32×3 → 16 at batch 64, one thread, 13 → 7 ms; → 64 at batch 128, 74 → 52 ms) or a
 * padded grid at most 1.3× the output (3×3 filters on ≥ 16×16 outputs — ResNet's and smallCnn's
 * wide early layers, where the transposed-convolution path took 2.0–2.7× the forward
 * convolution). Wider layers on smaller outputs keep that path: there the zero border costs more.
 */
export function coveredByShiftedRows(info: backend_util.Conv2DInfo): boolean {
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) return false;
  if (info.inChannels <= 4) return true;
  const gridHeight = info.outHeight + info.filterHeight - 1;
  const gridWidth = info.outWidth + info.filterWidth - 1;
  return (gridHeight * gridWidth) / (info.outHeight * info.outWidth) <= MAX_GRID_OVERHEAD;
}

/**
 * The filter gradient of a stride-1 convolution as one XNNPACK matrix product per filter tap
 * and chunk, `dW[kh, kw] = Σ_chunks Xᵀ_shifted · dY`, with `dY` shared by the chunk's taps (the
 * backend packs it once) and no im2col buffer:
 *
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh + kh − top, ow + kw − left, ci] · dy[n, oh, ow, co].
 *
 * Both operands live on the zero-padded grid `[N, Hp, Wp]` (Hp = OH + KH − 1, Wp = OW + KW − 1),
 * flattened along j = (n·Hp + r)·Wp + c, where tap (kh, kw) pairs `dy` at j with the input at
 * j + off (off = kh·Wp + kw). A chunk of whole grid rows, positions [j0, j0 + len), stores the
 * input transposed, `xT [Ci, S]` with S = len + off_max (the rows the taps reach past the chunk),
 * and `dY [S, Co]` with zero rows from len on. Tap `off`'s left operand is then the *view*
 * `xT[off …]` read as `[Ci, S]`: row ci holds the input at j0 + off + u — and, for u ≥ S − off,
 * the start of row ci + 1, which meets only `dY`'s zero rows. So every product is exact, each
 * chunk packs `dY` once for all taps, and the input is copied (transposed) once, not once per tap.
 */
export function filterGradientByShiftedRows(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outChannels: Co, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const Hp = OH + KH - 1;
  const Wp = OW + KW - 1;
  const gridRows = N * Hp;
  const reach = (KH - 1) * Wp + (KW - 1); // the largest tap offset
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_POSITIONS / Wp));
  // Input columns [w0, w1) that land inside the grid, at grid columns from w0 + left.
  const w0 = Math.max(0, -left);
  const w1 = Math.min(W, Wp - left);

  const dW = backend.makeOutput([KH, KW, Ci, Co], 'float32');
  (backend.typedArrayFromHeap(dW) as Float32Array).fill(0);
  for (let firstRow = 0; firstRow < gridRows; firstRow += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, gridRows - firstRow);
    const j0 = firstRow * Wp;
    const len = rows * Wp;
    const S = len + reach;
    const xT = backend.makeOutput([Ci * S + reach], 'float32');
    const dY = backend.makeOutput([1, S, Co], 'float32'); // a new tensor per chunk: the backend caches its packing by tensor
    // Views after every allocation: growing the heap detaches earlier ones.
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const xt = backend.typedArrayFromHeap(xT) as Float32Array;
    const gs = backend.typedArrayFromHeap(dy) as Float32Array;
    const g = backend.typedArrayFromHeap(dY) as Float32Array;
    xt.fill(0);
    g.fill(0);
    // The input at grid positions [j0, j0 + S): every grid row the range touches.
    if (w1 > w0) {
      for (let gridRow = firstRow; gridRow * Wp < j0 + S && gridRow < gridRows; gridRow++) {
        const n = Math.floor(gridRow / Hp);
        const h = (gridRow % Hp) - top;
        if (h < 0 || h >= H) continue;
        const rowStart = gridRow * Wp + w0 + left; // grid position of input column w0
        const first = Math.max(rowStart, j0); // clip the run to [j0, j0 + S)
        const last = Math.min(rowStart + (w1 - w0), j0 + S);
        if (last <= first) continue;
        const from = ((n * H + h) * W + w0 + (first - rowStart)) * Ci;
        transposeTiles(xs, xt, from, first - j0, last - first, Ci, Ci, S);
      }
    }
    // dy on the grid rows of this chunk (rows r < OH of each image; the rest stay zero).
    for (let gridRow = firstRow; gridRow < firstRow + rows; gridRow++) {
      const n = Math.floor(gridRow / Hp);
      const r = gridRow % Hp;
      if (r >= OH) continue;
      const from = (n * OH + r) * OW * Co;
      g.set(gs.subarray(from, from + OW * Co), (gridRow * Wp - j0) * Co);
    }

    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const a = wasmView(backend, xT, kh * Wp + kw, [1, Ci, S]);
        let product: TensorInfo;
        try {
          product = runWasmKernel(backend, 'BatchMatMul', { a, b: dY }, { transposeA: false, transposeB: false });
        } finally {
          disposeWasmView(backend, a); // a view: xT's memory stays
        }
        const p = backend.typedArrayFromHeap(product) as Float32Array; // [Ci, Co]
        const out = backend.typedArrayFromHeap(dW) as Float32Array;
        const at = (kh * KW + kw) * Ci * Co;
        for (let i = 0; i < p.length; i++) out[at + i] += p[i];
        disposeWasmTensor(backend, product);
      }
    }
    disposeWasmTensor(backend, xT);
    disposeWasmTensor(backend, dY);
  }
  return dW;
}
