import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, initBackend } from '@bdst/core';
import { expectNoLeak } from '@bdst/test-utils';

/** Runs `f` on the wasm backend (bdst's fast paths) and on the cpu backend; returns both results. */
async function onBothBackends(f: () => tf.Tensor): Promise<{ wasm: tf.Tensor; cpu: tf.Tensor }> {
  await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  const wasmOut = await expectNoLeak(() => f());
  const wasm = tf.tensor(wasmOut.dataSync(), wasmOut.shape, wasmOut.dtype);
  wasmOut.dispose();
  await initBackend({ backend: 'cpu', quiet: true });
  const cpu = f();
  await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  return { wasm, cpu };
}

/** A maker of the same seeded tensor on whichever backend is active: uniform in [−2, 2], rounded for int32, `> 0` for bool. */
function randomTensor(shape: number[], seed: string, dtype: 'float32' | 'int32' | 'bool' = 'float32'): () => tf.Tensor {
  const rng = createRng(seed);
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-2, 2));
  if (dtype === 'bool') return () => tf.tidy(() => tf.greater(tf.tensor(values, shape), 0));
  return () => (dtype === 'int32' ? tf.tensor(Int32Array.from(values, Math.round), shape, 'int32') : tf.tensor(values, shape));
}

/** Expects `f` to give the same shape, dtype and values on the wasm backend as on the cpu backend. */
async function expectSameOnBothBackends(f: () => tf.Tensor): Promise<void> {
  const { wasm, cpu } = await onBothBackends(f);
  expect(wasm.shape).toEqual(cpu.shape);
  expect(wasm.dtype).toBe(cpu.dtype);
  expect(Array.from(wasm.dataSync())).toEqual(Array.from(cpu.dataSync()));
  tf.dispose([wasm, cpu]);
}

/** Runs `f` on the wasm backend and counts its calls of the backend's `readSync` (a copy of a whole tensor to the host). */
function countReadSync<T>(f: () => T): { result: T; reads: number } {
  const backend = tf.backend() as unknown as { readSync: (...args: unknown[]) => unknown };
  const readSync = backend.readSync;
  let reads = 0;
  backend.readSync = function (this: unknown, ...args: unknown[]) {
    reads++;
    return readSync.apply(this, args);
  };
  try {
    return { result: f(), reads };
  } finally {
    backend.readSync = readSync;
  }
}

describe('wasm Tile fast path (broadcast-like tiles) and fallback', () => {
  const cases: Array<{ label: string; shape: number[]; reps: number[]; dtype?: 'int32' }> = [
    { label: "BatchNorm's [1,1,1,C] to [N,H,W,C]", shape: [1, 1, 1, 5], reps: [3, 4, 2, 1] },
    { label: 'a whole-tensor repeat [1,2,3] x [7,1,1]', shape: [1, 2, 3], reps: [7, 1, 1] },
    { label: 'int32, odd total (partial last doubling)', shape: [1, 3], reps: [5, 1], dtype: 'int32' },
    { label: 'no repeat at all', shape: [2, 3], reps: [1, 1] },
    { label: 'fallback: repeating a long axis', shape: [2, 3], reps: [2, 2] },
    { label: 'fallback: repeat after a long axis', shape: [2, 1, 3], reps: [1, 4, 1] },
    { label: 'empty output', shape: [1, 0, 2], reps: [3, 1, 1] },
  ];
  for (const c of cases) {
    it(`${c.label} equals the cpu backend exactly`, async () => {
      const x = randomTensor(c.shape, c.label, c.dtype);
      await expectSameOnBothBackends(() => tf.tidy(() => tf.tile(x(), c.reps)));
    });
  }
});

describe('wasm Sum / Mean fast path (leading axes) and fallback', () => {
  const cases: Array<{ label: string; shape: number[]; axis: number | number[]; keepDims: boolean; dtype?: 'int32' }> = [
    { label: "NHWC channel statistics, axis [0,1,2], keepDims (BatchNorm's moments)", shape: [4, 5, 6, 7], axis: [0, 1, 2], keepDims: true },
    { label: 'bias gradient, axis [0,1,2]', shape: [3, 4, 4, 8], axis: [0, 1, 2], keepDims: false },
    { label: 'axis 0 of a matrix, given unsorted as [-2]', shape: [50, 3], axis: [-2], keepDims: false },
    { label: 'axes given out of order [1, 0]', shape: [6, 5, 4], axis: [1, 0], keepDims: false },
    { label: 'fallback: all axes', shape: [3, 4], axis: [0, 1], keepDims: false },
    { label: 'fallback: a trailing axis', shape: [3, 4, 5], axis: 2, keepDims: true },
    { label: 'fallback: int32', shape: [6, 3], axis: 0, keepDims: false, dtype: 'int32' },
  ];
  for (const c of cases) {
    for (const op of ['sum', 'mean'] as const) {
      if (op === 'mean' && c.dtype === 'int32') continue;
      it(`${op}: ${c.label} matches the cpu backend`, async () => {
        const x = randomTensor(c.shape, c.label, c.dtype);
        const { wasm, cpu } = await onBothBackends(() => tf.tidy(() => tf[op](x(), c.axis, c.keepDims)));
        expect(wasm.shape).toEqual(cpu.shape);
        const w = wasm.dataSync();
        const e = cpu.dataSync();
        // The fast path sums in float64 (the cpu backend in float32): equal up to float32 rounding of a sum.
        e.forEach((v, i) => expect(Math.abs(w[i] - v), `element ${i}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v)) * c.shape[0]));
        tf.dispose([wasm, cpu]);
      });
    }
  }

  it('reduces exactly: the float64 accumulation of float32 inputs, rounded once', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    // 1 + 2^-24 rows of 1: a float32 running sum would stall at 2^24 = 16777216.
    const rows = 2 ** 24 + 8;
    const x = tf.ones([rows, 1]);
    const total = tf.sum(x, 0);
    expect(total.dataSync()[0]).toBe(Math.fround(rows));
    tf.dispose([x, total]);
  });
});

describe('wasm MaxPoolGrad (2×2 stride-2 pass and general pass) equals the cpu backend, where the stock kernel does not', () => {
  const cases: Array<{ label: string; shape: [number, number, number, number]; filter: [number, number]; strides: [number, number]; pad: 'valid' | 'same' | number; ties?: boolean }> = [
    { label: "a CNN's 2×2 stride-2 pool, valid", shape: [3, 8, 8, 5], filter: [2, 2], strides: [2, 2], pad: 'valid' },
    { label: '2×2 stride 2 on odd sizes (a trailing row and column outside every window)', shape: [2, 7, 9, 3], filter: [2, 2], strides: [2, 2], pad: 'valid' },
    { label: '2×2 stride 2 with ties: the first maximum of each window gets the gradient', shape: [4, 6, 6, 3], filter: [2, 2], strides: [2, 2], pad: 'valid', ties: true },
    { label: 'general pass: odd size, same padding (partial windows at the border)', shape: [2, 7, 9, 3], filter: [2, 2], strides: [2, 2], pad: 'same' },
    { label: "general pass: overlapping 3×3 stride-2 windows, same padding (ResNet's stem pool)", shape: [2, 9, 9, 4], filter: [3, 3], strides: [2, 2], pad: 'same' },
    { label: 'general pass: numeric padding 1, stride 1', shape: [1, 5, 6, 2], filter: [3, 3], strides: [1, 1], pad: 1 },
    { label: 'general pass: 3×3 windows with ties', shape: [2, 6, 6, 3], filter: [3, 3], strides: [2, 2], pad: 'valid', ties: true },
  ];
  for (const c of cases) {
    it(`${c.label} equals the cpu backend`, async () => {
      const rng = createRng(c.label);
      const size = c.shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: size }, () => (c.ties ? Math.round(rng.uniform(0, 2)) : rng.uniform(-2, 2)));
      const outSize = tf.tidy(() => tf.maxPool(tf.zeros(c.shape) as tf.Tensor4D, c.filter, c.strides, c.pad).size);
      const upstream = Float32Array.from({ length: outSize }, () => rng.uniform(-1, 1));
      const f = () =>
        tf.tidy(() => {
          const x = tf.tensor4d(values, c.shape);
          const pooled = tf.maxPool(x, c.filter, c.strides, c.pad);
          const dy = tf.tensor(upstream, pooled.shape) as tf.Tensor4D;
          return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, c.filter, c.strides, c.pad), dy)))(x);
        });
      const { wasm, cpu } = await onBothBackends(f);
      expect(wasm.shape).toEqual(cpu.shape);
      const w = wasm.dataSync();
      cpu.dataSync().forEach((v, i) => expect(Math.abs(w[i] - v), `element ${i}`).toBeLessThanOrEqual(1e-6));
      tf.dispose([wasm, cpu]);
    });
  }
});

describe('wasm Transpose fast path equals the cpu backend', () => {
  it('refuses a perm that repeats an axis (tfjs checks only the range), leaking nothing', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const x = tf.zeros([4, 3, 3, 2]);
    const before = tf.memory().numTensors;
    expect(() => tf.transpose(x, [0, 1, 1, 3])).toThrow('Error in transpose: perm [0,1,1,3] must hold each axis of the rank-4 input once');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  const cases: Array<{ label: string; shape: number[]; perm: number[]; dtype?: 'int32' }> = [
    { label: "the filter gradient's input [N,H,W,C] → [C,H,W,N]", shape: [5, 4, 3, 6], perm: [3, 1, 2, 0] },
    { label: "the filter gradient's dy [N,H,W,C] → [H,W,N,C] (contiguous blocks of C)", shape: [5, 4, 3, 20], perm: [1, 2, 0, 3] },
    { label: 'a tall matrix [700, 45] (partial tiles on both sides)', shape: [700, 45], perm: [1, 0] },
    { label: 'int32 [3, 33, 2]', shape: [3, 33, 2], perm: [2, 0, 1], dtype: 'int32' },
    { label: 'size-1 axes that vanish [1, 4, 1, 3]', shape: [1, 4, 1, 3], perm: [3, 2, 1, 0] },
    { label: 'identity after merging [2, 3, 4]', shape: [2, 3, 4], perm: [0, 1, 2] },
    { label: 'rank 5 [2, 3, 4, 5, 2]', shape: [2, 3, 4, 5, 2], perm: [4, 2, 0, 3, 1] },
    { label: 'small inner block [6, 7, 3] → [7, 6, 3]', shape: [6, 7, 3], perm: [1, 0, 2] },
    { label: 'empty [0, 3]', shape: [0, 3], perm: [1, 0] },
    { label: "an augmentation's H↔W swap of NHWC images [5, 4, 6, 3] (3-value blocks)", shape: [5, 4, 6, 3], perm: [0, 2, 1, 3] },
    { label: 'int32 [3, 5, 2, 4, 2] → [3, 2, 4, 5, 2] (2-value blocks, axes moved around them)', shape: [3, 5, 2, 4, 2], perm: [0, 2, 3, 1, 4], dtype: 'int32' },
    { label: 'blocks of 15 [2, 3, 15] → [3, 2, 15]', shape: [2, 3, 15], perm: [1, 0, 2] },
  ];
  for (const c of cases) {
    it(`${c.label}`, async () => {
      const x = randomTensor(c.shape, c.label, c.dtype);
      await expectSameOnBothBackends(() => tf.tidy(() => tf.transpose(x(), c.perm)));
    });
  }
});

describe('wasm Slice (copies only the slice, from the heap) equals the cpu backend', () => {
  const cases: Array<{ label: string; shape: number[]; begin: number[]; size: number[]; dtype?: 'int32' | 'bool' }> = [
    { label: "ReplicaPool's shard 0: the first images of an NHWC batch (contiguous)", shape: [6, 4, 4, 3], begin: [0, 0, 0, 0], size: [4, -1, -1, -1] },
    { label: 'a later shard, contiguous from an offset', shape: [7, 3, 2, 2], begin: [5, 0, 0, 0], size: [2, 3, 2, 2] },
    { label: "gaussianBlur's shifted window (middle axes)", shape: [2, 7, 6, 3], begin: [0, 2, 1, 0], size: [2, 4, 5, 3] },
    { label: 'a column block of a matrix', shape: [9, 8], begin: [1, 3], size: [5, 4] },
    { label: 'one column (rows of length 1)', shape: [5, 6], begin: [0, 5], size: [5, 1] },
    { label: 'int32 rank 3, all axes cut', shape: [4, 5, 6], begin: [1, 2, 3], size: [2, 2, 2], dtype: 'int32' },
    { label: 'bool rank 2', shape: [4, 5], begin: [1, 1], size: [3, 3], dtype: 'bool' },
    { label: 'rank 1', shape: [10], begin: [3], size: [4] },
    { label: 'rank 5, inner axes cut', shape: [2, 3, 4, 3, 2], begin: [1, 0, 1, 1, 0], size: [1, 3, 2, 2, 2] },
    { label: 'empty slice', shape: [3, 4], begin: [1, 0], size: [0, 4] },
  ];
  for (const c of cases) {
    it(`${c.label}`, async () => {
      const x = randomTensor(c.shape, c.label, c.dtype);
      await expectSameOnBothBackends(() => tf.tidy(() => tf.slice(x(), c.begin, c.size)));
    });
  }

  it('refuses a slice past the input (the cpu backend\'s error) or starting before it, leaking nothing', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const x = tf.zeros([4, 3, 3, 2]);
    const before = tf.memory().numTensors;
    expect(() => tf.slice(x, [5, 0, 0, 0], [1, -1, -1, -1])).toThrow('Error in slice4D: begin[0] + size[0] (6) would overflow input.shape[0] (4)');
    expect(() => tf.slice(x, [2, 0, 0, 0], [3, 3, 3, 2])).toThrow('Error in slice4D: begin[0] + size[0] (5) would overflow input.shape[0] (4)');
    expect(() => tf.slice(x, [5, 0, 0, 0], [-1, -1, -1, -1])).toThrow(/Error in slice4D: begin\[0\] \(5\) and size\[0\] \(-1\) must be ≥ 0/);
    expect(() => tf.slice(x, [-1, 0, 0, 0], [2, 3, 3, 2])).toThrow(/does not support negative begin/); // tfjs's op, before the kernel
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('never reads the whole input to the host (the stock kernel does, with readSync)', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const x = tf.tensor4d(Float32Array.from({ length: 120 }, (_, i) => i), [2, 3, 4, 5]);
    const { result: [contiguous, strided], reads } = countReadSync(() => [tf.slice(x, [1, 0, 0, 0], [1, 3, 4, 5]), tf.slice(x, [0, 1, 2, 1], [2, 2, 2, 3])]);
    expect(reads).toBe(0);
    expect(Array.from(contiguous.dataSync())).toEqual(Array.from({ length: 60 }, (_, i) => 60 + i));
    // x[n, h, w, c] = 60n + 20h + 5w + c, sliced at n 0–1, h 1–2, w 2–3, c 1–3.
    const expected: number[] = [];
    for (let n = 0; n < 2; n++) for (let h = 1; h < 3; h++) for (let w = 2; w < 4; w++) for (let c = 1; c < 4; c++) expected.push(60 * n + 20 * h + 5 * w + c);
    expect(Array.from(strided.dataSync())).toEqual(expected);
    tf.dispose([x, contiguous, strided]);
  });

});

describe('wasm Cast: same dtype by reference, to bool as x ≠ 0 (as the cpu backend), other casts by the stock kernel', () => {
  it('a same-dtype cast shares the data, survives disposing its input, and leaks nothing', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    await expectNoLeak(() => {
      const backend = tf.backend();
      const x = tf.tensor2d([1.5, -2, Number.NaN, 0], [2, 2]);
      const before = backend.numDataIds();
      const y = tf.cast(x, 'float32');
      expect(backend.numDataIds()).toBe(before); // no new buffer: a reference
      x.dispose();
      expect(Array.from(y.dataSync())).toEqual([1.5, -2, Number.NaN, 0]);
      y.dispose();
    });
  });

  const cases: Array<{ label: string; values: number[]; from: 'float32' | 'int32' | 'bool'; to: 'float32' | 'int32' | 'bool' }> = [
    { label: 'float32 → int32 (truncation)', values: [1.7, -1.7, 2.5, -0.2], from: 'float32', to: 'int32' },
    { label: 'int32 → float32', values: [3, -4, 0, 2 ** 20 + 1], from: 'int32', to: 'float32' },
    { label: 'float32 → bool: any non-zero is true, NaN too (the stock kernel gave 2, and false for −0.5 and 256)', values: [0, -0.5, 2, -0, 256, Number.NaN], from: 'float32', to: 'bool' },
    { label: 'int32 → bool', values: [0, -3, 256, 1], from: 'int32', to: 'bool' },
    { label: 'bool → float32', values: [1, 0, 1, 1], from: 'bool', to: 'float32' },
    { label: 'int32 → int32 (reference)', values: [7, -8, 9, 0], from: 'int32', to: 'int32' },
  ];
  for (const c of cases) {
    it(`${c.label} equals the cpu backend`, async () => {
      const { wasm, cpu } = await onBothBackends(() => tf.tidy(() => tf.cast(tf.tensor1d(c.values, c.from), c.to)));
      expect(wasm.dtype).toBe(cpu.dtype);
      expect(Array.from(wasm.dataSync())).toEqual(Array.from(cpu.dataSync()));
      tf.dispose([wasm, cpu]);
    });
  }
});

describe('wasm GatherV2 (one copy per gathered slice) equals the cpu backend', () => {
  const cases: Array<{ label: string; shape: number[]; indices: number[]; indicesShape?: number[]; axis: number; dtype?: 'int32' | 'bool'; batchDims?: number }> = [
    { label: "rows of a matrix, as resampleAxis gathers image rows (repeats, reversed)", shape: [6, 20], indices: [5, 4, 4, 0, 1, 5, 2], axis: 0 },
    { label: 'images of a batch (axis 0 of NHWC)', shape: [4, 3, 2, 3], indices: [3, 1, 1], axis: 0 },
    { label: 'a middle axis with short slices', shape: [2, 5, 3], indices: [4, 0, 2, 2], axis: 1 },
    { label: 'the last axis (slices of one value), 2-D indices', shape: [3, 4], indices: [3, 0, 1, 1, 2, 0], indicesShape: [2, 3], axis: -1 },
    { label: 'int32 values', shape: [5, 17], indices: [1, 4], axis: 0, dtype: 'int32' },
    { label: 'bool values', shape: [4, 3], indices: [2, 2, 0], axis: 0, dtype: 'bool' },
    { label: 'no indices', shape: [4, 3], indices: [], axis: 0 },
    { label: 'fallback: batchDims 1', shape: [2, 3, 4], indices: [2, 0, 1, 1], indicesShape: [2, 2], axis: 1, batchDims: 1 },
  ];
  for (const c of cases) {
    it(c.label, async () => {
      const x = randomTensor(c.shape, c.label, c.dtype);
      await expectSameOnBothBackends(() =>
        tf.tidy(() => tf.gather(x(), tf.tensor(c.indices, c.indicesShape ?? [c.indices.length], 'int32'), c.axis, c.batchDims)),
      );
    });
  }

  it('an index out of range throws the cpu backend\'s error and leaks nothing', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const x = tf.zeros([3, 2]);
    for (const bad of [3, -1]) {
      const indices = tf.tensor1d([0, bad], 'int32');
      const before = tf.memory().numTensors;
      expect(() => tf.gather(x, indices, 0)).toThrow(`GatherV2: the index value ${bad} is not in [0, 2]`);
      expect(tf.memory().numTensors).toBe(before);
      indices.dispose();
    }
    x.dispose();
  });
});

describe('wasm SplitV (slices that copy only themselves) equals the cpu backend', () => {
  const cases: Array<{ label: string; shape: number[]; split: number | number[]; axis: number; dtype?: 'int32' | 'bool' }> = [
    { label: "a batch into colorJitter's groups (axis 0, sizes)", shape: [6, 2, 2, 3], split: [2, 3, 1], axis: 0 },
    { label: 'NHWC channels into planes (axis 3, 3 parts)', shape: [2, 3, 4, 3], split: 3, axis: 3 },
    { label: 'a middle axis with a -1 size', shape: [2, 7, 3], split: [2, -1, 1], axis: 1 },
    { label: 'int32', shape: [4, 5], split: 2, axis: 0, dtype: 'int32' },
    { label: 'bool, an empty part', shape: [3, 4], split: [0, 4], axis: 1, dtype: 'bool' },
  ];
  for (const c of cases) {
    it(c.label, async () => {
      const x = randomTensor(c.shape, c.label, c.dtype);
      await initBackend({ backend: 'wasm', threads: 1, quiet: true });
      const wasmParts = await expectNoLeak(() => tf.tidy(() => tf.split(x(), c.split, c.axis)));
      const wasm = wasmParts.map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) }));
      tf.dispose(wasmParts);
      await initBackend({ backend: 'cpu', quiet: true });
      const cpuParts = tf.split(x(), c.split, c.axis);
      const cpu = cpuParts.map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) }));
      tf.dispose(cpuParts);
      await initBackend({ backend: 'wasm', threads: 1, quiet: true });
      expect(wasm).toEqual(cpu);
    });
  }

  it('never reads the whole input to the host (the stock kernel does, once per part)', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const x = tf.tensor3d(Float32Array.from({ length: 24 }, (_, i) => i), [4, 3, 2]);
    const { result: parts, reads } = countReadSync(() => tf.split(x, [1, 3], 0));
    expect(reads).toBe(0);
    expect(parts.map((p) => Array.from(p.dataSync()))).toEqual([[0, 1, 2, 3, 4, 5], Array.from({ length: 18 }, (_, i) => 6 + i)]);
    tf.dispose([x, ...parts]);
  });

});

describe('wasm Reverse along one axis equals the cpu backend', () => {
  const cases: Array<{ label: string; shape: number[]; dims: number | number[]; dtype?: 'int32' | 'bool' }> = [
    { label: "vflip: NHWC rows (axis 1, 3·W-value slices)", shape: [3, 5, 6, 3], dims: 1 },
    { label: 'hflip: NHWC columns (axis 2, 3-value slices)', shape: [2, 4, 7, 3], dims: 2 },
    { label: 'the batch axis, given as [-4]', shape: [4, 2, 2, 5], dims: [-4] },
    { label: 'int32, the last axis', shape: [3, 8], dims: 1, dtype: 'int32' },
    { label: 'bool, rank 1', shape: [9], dims: 0, dtype: 'bool' },
    { label: 'an axis of size 1 (a copy)', shape: [2, 1, 3], dims: 1 },
    { label: 'fallback: two axes', shape: [3, 4, 2], dims: [0, 2] },
  ];
  for (const c of cases) {
    it(c.label, async () => {
      const x = randomTensor(c.shape, c.label, c.dtype);
      await expectSameOnBothBackends(() => tf.tidy(() => tf.reverse(x(), c.dims)));
    });
  }
});
