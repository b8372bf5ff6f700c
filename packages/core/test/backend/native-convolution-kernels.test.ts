import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRng, initBackend, ReplicaPool, SgdMomentum, smallCnn, trainStep } from '@bdst/core';
import { expectNoLeak } from '@bdst/test-utils';
import { loadNativeConvolutionKernels } from '../../src/backend/native-convolution-kernels.js';
import type { NativeConvolutionKernels } from '../../src/backend/native-convolution-kernels.js';
import { simdConvolution } from '../../src/backend/kernels/simd-convolution.js';
import { simdFilterGradient } from '../../src/backend/kernels/simd-filter-gradient.js';
import { simdInputGradient } from '../../src/backend/kernels/simd-input-gradient.js';

const load = loadNativeConvolutionKernels();
const native: NativeConvolutionKernels | null = load.loaded ? load.kernels : null;
/** Every instruction set this CPU can run the kernels on (AVX-512 only where it has it). */
const instructionSets: Array<'avx2' | 'avx512'> = native === null ? [] : native.instructionSet() === 'avx512' ? ['avx2', 'avx512'] : ['avx2'];

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

/**
 * Shapes that take every path of the kernels: tiles of 4, 2 and 1 panels of channels (Co or Ci of
 * 8 to 128: multiples of 16 take AVX-512's 16-wide panels, 4 at a time from 64, the others 8-wide
 * ones, 2 at a time with AVX2), full 4-pixel tiles and edges, strides, uneven and over-wide
 * padding, 1, 3 and 5 input channels.
 */
const FORWARD_CASES: Case[] = [
  { x: [2, 8, 8, 16], f: [3, 3, 16, 32], strides: [1, 1], pad: 'same' },
  { x: [2, 9, 9, 16], f: [3, 3, 16, 48], strides: [2, 2], pad: 'same' },
  { x: [3, 8, 7, 3], f: [3, 3, 3, 16], strides: [1, 1], pad: 'same' },
  { x: [2, 9, 7, 8], f: [1, 1, 8, 24], strides: [2, 3], pad: 'valid' },
  { x: [2, 10, 11, 5], f: [3, 2, 5, 8], strides: [3, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [1, 3, 4, 8], f: [5, 5, 8, 16], strides: [1, 1], pad: [[0, 0], [4, 0], [1, 4], [0, 0]] },
  { x: [2, 5, 6, 1], f: [2, 3, 1, 64], strides: [1, 1], pad: 'valid' },
  { x: [2, 6, 7, 16], f: [3, 3, 16, 128], strides: [1, 1], pad: 'same' },
  { x: [1, 5, 5, 8], f: [3, 3, 8, 112], strides: [2, 2], pad: 'same' },
];
/** Stride-1 cases for the input gradient (Ci % 8 = 0, the kernel's condition). */
const INPUT_GRADIENT_CASES: Case[] = [
  { x: [2, 8, 8, 16], f: [3, 3, 16, 32], strides: [1, 1], pad: 'same' },
  { x: [2, 7, 9, 48], f: [3, 3, 48, 16], strides: [1, 1], pad: 'same' },
  { x: [2, 6, 5, 8], f: [1, 1, 8, 24], strides: [1, 1], pad: 'valid' },
  { x: [1, 5, 7, 24], f: [5, 3, 24, 8], strides: [1, 1], pad: [[0, 0], [4, 0], [1, 2], [0, 0]] },
  { x: [2, 4, 4, 32], f: [3, 3, 32, 64], strides: [1, 1], pad: 'valid' },
  { x: [2, 6, 6, 64], f: [3, 3, 64, 16], strides: [1, 1], pad: 'same' },
  { x: [1, 5, 6, 112], f: [3, 3, 112, 8], strides: [1, 1], pad: 'same' },
];
/** The filter gradient takes any Ci (4-row tiles and tails of 1–3) and any stride. */
const FILTER_GRADIENT_CASES: Case[] = [
  ...FORWARD_CASES,
  { x: [2, 6, 6, 7], f: [3, 3, 7, 16], strides: [1, 1], pad: 'same' },
  { x: [2, 6, 6, 6], f: [3, 3, 6, 32], strides: [2, 1], pad: 'same' },
  { x: [2, 5, 5, 7], f: [3, 3, 7, 112], strides: [1, 1], pad: 'same' },
];

function infoOf(c: Case): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(c.x, c.f, c.strides, 1, c.pad, undefined, false, 'channelsLast');
}

function random(n: number, seed: string): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

/**
 * Runs one of bdst's convolution kernels on the wasm backend with the given host operands and
 * returns its output values; checks that no tensor or backend data is left behind.
 */
function runKernel(kind: 'forward' | 'forward+bias+relu' | 'input' | 'filter', c: Case, seed: string): Float32Array {
  const backend = tf.backend() as BackendWasm;
  const info = infoOf(c);
  const before = tf.memory().numTensors;
  const dataIds = backend.numDataIds();
  const x = tf.tensor4d(random(tf.util.sizeFromShape(c.x), `${seed}-x`), c.x);
  const w = tf.tensor4d(random(tf.util.sizeFromShape(c.f), `${seed}-w`), c.f);
  const dy = tf.tensor4d(random(tf.util.sizeFromShape(info.outShape), `${seed}-dy`), info.outShape);
  const bias = tf.tensor1d(random(c.f[3], `${seed}-b`));
  let out: ReturnType<typeof simdConvolution>;
  if (kind === 'forward') out = simdConvolution(backend, x, w, null, info, false);
  else if (kind === 'forward+bias+relu') out = simdConvolution(backend, x, w, bias, info, true);
  else if (kind === 'input') out = simdInputGradient(backend, dy, w, info);
  else out = simdFilterGradient(backend, x, dy, info);
  expect(out, 'the kernel ran').not.toBeNull();
  const result = tf.engine().makeTensorFromTensorInfo(out!);
  const values = result.dataSync().slice() as Float32Array;
  tf.dispose([x, w, dy, bias, result]);
  expect(tf.memory().numTensors).toBe(before);
  expect(backend.numDataIds()).toBe(dataIds);
  return values;
}

/** The largest |a − b| over the largest |b| (the output's scale). */
function relativeDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) {
      expect(a[i]).toBeNaN();
      continue;
    }
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return difference / scale;
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('native convolution kernels: availability', () => {
  afterAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: false });
  });

  it('load on x86-64 with AVX2 and FMA (always in CI), and otherwise say why; initBackend follows', async () => {
    if (process.env.BDST_REQUIRE_NATIVE_KERNELS === '1') expect(load, 'CI builds the addon (BDST_REQUIRE_NATIVE_KERNELS=1)').toMatchObject({ loaded: true });
    if (load.loaded) {
      const info = await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: true });
      expect(info.nativeKernels).toBe(true);
      expect(info.description).toContain('native convolutions');
      const off = await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: false });
      expect(off.nativeKernels).toBe(false);
      expect(off.description).not.toContain('native');
    } else {
      expect(load.reason.length).toBeGreaterThan(10);
      if (process.arch !== 'x64') expect(load.reason).toContain(process.arch);
      await expect(initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: true })).rejects.toThrow(load.reason);
    }
  });

  it('refuses nativeKernels with more than one WASM thread (the threaded build keeps the WASM kernels), before switching builds', async () => {
    const before = await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: false });
    await expect(initBackend({ backend: 'wasm', threads: 2, quiet: true, nativeKernels: true })).rejects.toThrow(/nativeKernels needs threads: 1/);
    expect(getThreadsCount()).toBe(1); // still the single-threaded build
    expect(await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: false })).toBe(before);
  });

  it('refuses a nativeKernels value that is not a boolean, and a bad BDST_NATIVE_KERNELS', async () => {
    await expect(initBackend({ backend: 'wasm', quiet: true, nativeKernels: 'yes' as unknown as boolean })).rejects.toThrow(/nativeKernels must be a boolean/);
    const saved = process.env.BDST_NATIVE_KERNELS;
    process.env.BDST_NATIVE_KERNELS = 'maybe';
    try {
      await expect(initBackend({ backend: 'wasm', quiet: true })).rejects.toThrow(/BDST_NATIVE_KERNELS must be 1, true, 0 or false, but got 'maybe'/);
    } finally {
      if (saved === undefined) delete process.env.BDST_NATIVE_KERNELS;
      else process.env.BDST_NATIVE_KERNELS = saved;
    }
  });
});

describe.runIf(native !== null)('native convolution kernels against the WASM kernels', () => {
  afterEach(() => native?.selectInstructionSet(instructionSets[instructionSets.length - 1]));
  afterAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: false });
  });

  /** The kernel's output with the WASM kernels and with the native ones on each instruction set. */
  async function outputs(kind: Parameters<typeof runKernel>[0], c: Case, seed: string) {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: false });
    const wasm = runKernel(kind, c, seed);
    await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: true });
    const byIsa = instructionSets.map((isa) => {
      native!.selectInstructionSet(isa);
      return { isa, values: runKernel(kind, c, seed) };
    });
    return { wasm, byIsa };
  }

  const kinds: Array<{ kind: Parameters<typeof runKernel>[0]; cases: Case[] }> = [
    { kind: 'forward', cases: FORWARD_CASES },
    { kind: 'forward+bias+relu', cases: FORWARD_CASES },
    { kind: 'input', cases: INPUT_GRADIENT_CASES },
    { kind: 'filter', cases: FILTER_GRADIENT_CASES },
  ];
  for (const { kind, cases } of kinds) {
    it.each(cases.map((c, i) => ({ c, i, label: `${c.x.join('×')} * ${c.f.join('×')} stride ${c.strides.join(',')} pad ${JSON.stringify(c.pad)}` })))(
      `${kind}: $label matches the WASM kernel to float32 rounding, with the same bits on every instruction set`,
      async ({ c, i }) => {
        const { wasm, byIsa } = await outputs(kind, c, `${kind}-${i}`);
        for (const { isa, values } of byIsa) {
          // One rounding per multiply-add instead of two: a few units in the last place of the largest terms.
          expect(relativeDifference(values, wasm), isa).toBeLessThan(2e-6);
          expect(bits(values).equals(bits(byIsa[0].values)), `${isa} and ${byIsa[0].isa} give the same bits`).toBe(true);
        }
        expect(byIsa.some(({ values }) => !bits(values).equals(bits(wasm))) || wasm.length < 64, 'the native kernel ran (fused multiply-adds change some bits)').toBe(true);
      },
    );
  }

  it('keeps NaN through the fused ReLU, as the CPU backend does', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: true });
    const c: Case = { x: [1, 4, 4, 8], f: [1, 1, 8, 16], strides: [1, 1], pad: 'valid' };
    const backend = tf.backend() as BackendWasm;
    const xValues = random(128, 'nan-x');
    xValues[0] = NaN; // pixel 0 of every output channel becomes NaN
    const x = tf.tensor4d(xValues, c.x);
    const w = tf.tensor4d(random(128, 'nan-w'), c.f);
    const out = simdConvolution(backend, x, w, null, infoOf(c), true)!;
    const y = tf.engine().makeTensorFromTensorInfo(out);
    const values = y.dataSync();
    for (let co = 0; co < 16; co++) expect(values[co]).toBeNaN();
    for (let i = 16; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(0);
    tf.dispose([x, w, y]);
  });

  it('refuses, before touching memory, tensors outside the buffer, misaligned ones, bad sizes and bad arguments', () => {
    const k = native!;
    const memory = new ArrayBuffer(4096);
    const view = new Float32Array(memory);
    view.fill(7);
    // convolution(memory, x, wP, bias, y, N, H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left, relu): 1×4×4×8 * 1×1×8×8
    const ok = [0, 512, 0, 1024, 1, 4, 4, 8, 4, 4, 8, 1, 1, 1, 1, 0, 0, 0] as const;
    expect(() => k.convolution(memory, ...ok)).not.toThrow();
    const at = (index: number, value: number) => ok.map((v, i) => (i === index ? value : v)) as unknown as typeof ok;
    expect(() => k.convolution(memory, ...at(3, 4096 - 4))).toThrow(RangeError); // y past the end
    expect(() => k.convolution(memory, ...at(0, 2))).toThrow(/outside/); // misaligned x
    expect(() => k.convolution(memory, ...at(4, 100))).toThrow(/x \(12800 floats at byte 0\) lies outside the 4096-byte memory/);
    expect(() => k.convolution(memory, ...at(10, 12))).toThrow(/multiple of 8/);
    expect(() => k.convolution(memory, ...at(13, 0))).toThrow(/strides at least 1/);
    expect(() => k.convolution(memory, ...at(5, -1))).toThrow(/not a valid size/);
    expect(() => k.convolution(memory, ...at(17, 2))).toThrow(/relu must be 0 or 1/);
    expect(() => k.convolution(memory, ...at(2, 4096))).toThrow(/bias/);
    expect(() => (k.convolution as (...args: unknown[]) => void)(memory, 0, 512)).toThrow(/expected 19 arguments, got 3/);
    expect(() => (k.convolution as (...args: unknown[]) => void)(new Float32Array(8), ...ok)).toThrow(/must be the WebAssembly memory's ArrayBuffer/);
    expect(() => k.convolution(memory, ...at(1, 0.5))).toThrow(/must be an integer/);
    expect(() => k.convolution(memory, ...at(1, 2 ** 32))).toThrow(/must be an integer/);
    // input_gradient_s1(memory, dy, wP, dx, N, H, W, Ci, OH, OW, Co, KH, KW, top, left)
    expect(() => k.input_gradient_s1(memory, 0, 512, 1024, 1, 4, 4, 12, 4, 4, 8, 1, 1, 0, 0)).toThrow(/input channels must be a multiple of 8/);
    expect(() => k.input_gradient_s1(memory, 0, 512, 4000, 1, 4, 4, 8, 4, 4, 8, 1, 1, 0, 0)).toThrow(/dx/);
    // filter_gradient(memory, x, dy, dw, N, H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left)
    expect(() => k.filter_gradient(memory, 0, 512, 4064, 1, 4, 4, 8, 4, 4, 8, 1, 1, 1, 1, 0, 0)).toThrow(/dw/);
    expect(() => k.pack_filter_by_output(memory, 0, 4000, 9, 8, 8)).toThrow(/packed filter/);
    expect(() => k.pack_filter(memory, 0, 512, 1, 12, 8)).toThrow(/input channels must be a multiple of 8/);
    expect(() => k.selectInstructionSet('sse' as 'avx2')).toThrow(/'sse' is not available here/);
    // Nothing was written by the refused calls: only the first call's y (floats 256..383) changed.
    expect(view.subarray(384).every((v) => v === 7)).toBe(true);
    expect(view.subarray(0, 256).every((v) => v === 7)).toBe(true);
  });

  it('trains bit-identically run to run, and within float32 rounding of the WASM kernels', async () => {
    async function train(nativeKernels: boolean): Promise<{ losses: number[]; weights: Float32Array }> {
      await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels });
      return expectNoLeak(async () => {
        const model = smallCnn({ inputShape: [16, 16, 3], numClasses: 10, widths: [16, 32, 64], rng: createRng(5) });
        const optimizer = new SgdMomentum({ lr: 0.05, momentum: 0.9, weightDecay: 5e-4 });
        const images = tf.tensor4d(random(16 * 16 * 16 * 3, 'train-x').map((v) => (v + 1) / 2), [16, 16, 16, 3]);
        const labels = Int32Array.from({ length: 16 }, (_, i) => i % 10);
        const losses: number[] = [];
        for (let step = 0; step < 3; step++) losses.push((await trainStep(model, optimizer, images, labels)).loss);
        const weights = Float32Array.from(model.getWeights().flatMap((w) => Array.from(w.dataSync())));
        images.dispose();
        model.dispose();
        optimizer.dispose();
        return { losses, weights };
      });
    }
    const first = await train(true);
    const second = await train(true);
    const wasm = await train(false);
    expect(first.losses).toEqual(second.losses);
    expect(bits(first.weights).equals(bits(second.weights))).toBe(true);
    first.losses.forEach((loss, i) => expect(Math.abs(loss - wasm.losses[i])).toBeLessThan(1e-4 * Math.abs(wasm.losses[i])));
    expect(relativeDifference(first.weights, wasm.weights)).toBeLessThan(1e-4);
    expect(bits(first.weights).equals(bits(wasm.weights))).toBe(false);
  });

  it("makes a ReplicaPool's workers use the native kernels too (their shard's probabilities match the main thread's bits)", async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: true });
    const model = smallCnn({ inputShape: [16, 16, 3], numClasses: 10, widths: [16, 32, 64], rng: createRng(9) });
    const images = tf.tensor4d(random(8 * 16 * 16 * 3, 'pool-x').map((v) => (v + 1) / 2), [8, 16, 16, 3]);
    const shard1 = tf.slice(images, 4, 4);
    const pool = await ReplicaPool.start({ model, replicas: 2 });
    try {
      await pool.loadWeights();
      const pooled = await pool.probabilities(images);
      const local = tf.tidy(() => tf.softmax(model.predict(shard1) as tf.Tensor2D));
      const mainThread = local.dataSync() as Float32Array;
      expect(bits(pooled.subarray(40)).equals(bits(mainThread))).toBe(true);
      await initBackend({ backend: 'wasm', threads: 1, quiet: true, nativeKernels: false });
      const wasmLocal = tf.tidy(() => tf.softmax(model.predict(shard1) as tf.Tensor2D));
      expect(bits(pooled.subarray(40)).equals(bits(wasmLocal.dataSync() as Float32Array)), 'the worker did not run the WASM kernels').toBe(false);
      tf.dispose([local, wasmLocal]);
    } finally {
      await pool.terminate();
      tf.dispose([images, shard1]);
      model.dispose();
    }
  });
});
