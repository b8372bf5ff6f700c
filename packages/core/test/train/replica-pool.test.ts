import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplicaPool, SgdMomentum, createRng, initBackend, shardSizes, smallCnn, trainStep } from '@bdst/core';

const weightsOf = (model: tfl.LayersModel) => model.getWeights().map((t) => Array.from(t.dataSync()));
const maxAbsDiff = (a: number[][], b: number[][]) => Math.max(...a.flat().map((v, i) => Math.abs(v - b.flat()[i])));

/** A conv + dense classifier without BatchNorm, seeded: data-parallel steps equal full-batch ones. */
function plainCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 5, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

/** Two models with the same weights. */
function twins(build: () => tfl.LayersModel): [tfl.LayersModel, tfl.LayersModel] {
  const a = build();
  const b = build();
  b.setWeights(a.getWeights());
  return [a, b];
}

function batchOf(n: number, seed: number, size = 8): { images: tf.Tensor4D; labels: Int32Array } {
  const rng = createRng(seed);
  const images = tf.tensor4d(Float32Array.from({ length: n * size * size * 3 }, () => rng.next()), [n, size, size, 3]);
  const labels = Int32Array.from({ length: n }, () => Math.floor(rng.next() * 5));
  return { images, labels };
}

describe('shardSizes', () => {
  it('cuts contiguous shards whose sizes differ by at most one, the first larger', () => {
    expect(shardSizes(128, 2)).toEqual([64, 64]);
    expect(shardSizes(128, 3)).toEqual([43, 43, 42]);
    expect(shardSizes(7, 3)).toEqual([3, 2, 2]);
    expect(shardSizes(1, 2)).toEqual([1, 0]);
    expect(shardSizes(5, 1)).toEqual([5]);
    expect(() => shardSizes(4, 0)).toThrow(/Error in shardSizes: replicas must be an integer ≥ 1, but got 0/);
    expect(() => shardSizes(-1, 2)).toThrow(/Error in shardSizes: batch must be an integer ≥ 0, but got -1/);
  });
});

/**
 * Steps a 2-replica pool and trainStep side by side over batches of 8, 3, 13 and 1 images with
 * momentum and no weight decay (the first momentum buffer is then the first gradient tensor
 * itself: one that kept pointing at a reused host buffer would show from the second step on),
 * comparing the weights after each step.
 */
async function expectChangingBatchesMatch(): Promise<void> {
  const [a, b] = twins(plainCnn);
  const optA = new SgdMomentum({ lr: 0.1, momentum: 0.9, weightDecay: 0 });
  const optB = new SgdMomentum({ lr: 0.1, momentum: 0.9, weightDecay: 0 });
  const before = tf.memory().numTensors;
  const pool = await ReplicaPool.start({ model: b, optimizer: optB, replicas: 2 });
  try {
    for (const [step, batch] of [8, 3, 13, 1].entries()) {
      const { images, labels } = batchOf(batch, 20 + step);
      const single = await trainStep(a, optA, images, labels);
      const parallel = await pool.step(images, labels);
      images.dispose();
      expect(parallel.correct).toBe(single.correct);
      expect(parallel.loss).toBeCloseTo(single.loss, 5);
      expect(maxAbsDiff(weightsOf(b), weightsOf(a)), `after step ${step + 1} (batch ${batch})`).toBeLessThan(1e-5);
    }
  } finally {
    await pool.terminate();
  }
  expect(tf.memory().numTensors).toBe(before + 2 * b.trainableWeights.length);
  [optA, optB].forEach((o) => o.dispose());
  [a, b].forEach((m) => m.dispose());
}

describe('ReplicaPool (wasm)', () => {
  let start = 0;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    start = tf.memory().numTensors;
  });
  afterAll(async () => {
    await ReplicaPool.stopParkedWorkers();
    expect(tf.memory().numTensors, 'tensors leaked by the file').toBe(start);
  });

  it('a step over 2 and 3 replicas equals trainStep on a model without BatchNorm (within 1e-5), leaking nothing', async () => {
    for (const [replicas, batch] of [[2, 8], [3, 7]] as const) {
      const [a, b] = twins(plainCnn);
      const { images, labels } = batchOf(batch, replicas);
      const optA = new SgdMomentum({ lr: 0.1 });
      const optB = new SgdMomentum({ lr: 0.1 });
      const before = tf.memory().numTensors;
      const pool = await ReplicaPool.start({ model: b, optimizer: optB, replicas });
      try {
        expect(pool.replicas).toBe(replicas);
        for (let i = 0; i < 2; i++) {
          const single = await trainStep(a, optA, images, labels);
          const parallel = await pool.step(images, labels);
          expect(parallel.correct).toBe(single.correct);
          expect(parallel.loss).toBeCloseTo(single.loss, 5);
        }
        expect(maxAbsDiff(weightsOf(b), weightsOf(a))).toBeLessThan(1e-5);
      } finally {
        await pool.terminate();
      }
      // Only the momentum buffers remain (one per trainable weight), as with trainStep.
      expect(tf.memory().numTensors).toBe(before + 2 * b.trainableWeights.length);
      [optA, optB].forEach((o) => o.dispose());
      [a, b].forEach((m) => m.dispose());
      images.dispose();
    }
  });

  it('batches of changing sizes match trainStep with momentum step after step (shared buffers grow and are reused)', async () => {
    await expectChangingBatchesMatch();
  });

  it('with replicas 1 (no worker) is bit-identical to trainStep; a batch smaller than the pool leaves replicas idle', async () => {
    const [a, b] = twins(plainCnn);
    const { images, labels } = batchOf(4, 9);
    const optA = new SgdMomentum();
    const optB = new SgdMomentum();
    const one = await ReplicaPool.start({ model: b, optimizer: optB, replicas: 1 });
    expect(await one.step(images, labels)).toEqual(await trainStep(a, optA, images, labels));
    expect(weightsOf(b)).toEqual(weightsOf(a));
    await one.terminate();

    const single = tf.slice(images, 0, 1);
    const pool = await ReplicaPool.start({ model: b, optimizer: optB, replicas: 2 });
    try {
      expect(await pool.step(single, labels.subarray(0, 1))).toEqual(await trainStep(a, optA, single, labels.subarray(0, 1)));
      expect(weightsOf(b)).toEqual(weightsOf(a));
    } finally {
      await pool.terminate();
    }
    tf.dispose([images, single]);
    [optA, optB].forEach((o) => o.dispose());
    [a, b].forEach((m) => m.dispose());
  });

  it('BatchNorm: each shard uses its own batch statistics; moving statistics are the shard-size-weighted mean', async () => {
    const build = () => smallCnn({ inputShape: [8, 8, 3], numClasses: 5, widths: [4, 4, 4], rng: createRng('bn') });
    const pooled = build();
    const shard0 = build();
    const shard1 = build();
    const { images, labels } = batchOf(5, 11);
    const optimizer = new SgdMomentum({ lr: 0.1 });
    const pool = await ReplicaPool.start({ model: pooled, optimizer, replicas: 2 });
    try {
      await pool.step(images, labels);
    } finally {
      await pool.terminate();
      optimizer.dispose();
    }
    // The reference: each shard ([3, 2] images) stepped on its own copy; only the moving statistics are compared.
    const [x0, x1] = [tf.slice(images, 0, 3), tf.slice(images, 3, 2)];
    const opts = [new SgdMomentum(), new SgdMomentum()];
    await trainStep(shard0, opts[0], x0, labels.subarray(0, 3));
    await trainStep(shard1, opts[1], x1, labels.subarray(3));
    const moving = (m: tfl.LayersModel) => m.nonTrainableWeights.map((w) => Array.from(w.read().dataSync()));
    expect(pooled.nonTrainableWeights.length).toBe(6);
    const expected = moving(shard0).map((v, k) => v.map((m0, j) => (3 * m0 + 2 * moving(shard1)[k][j]) / 5));
    expect(maxAbsDiff(moving(pooled), expected)).toBeLessThan(1e-6);
    expect(maxAbsDiff(moving(pooled), moving(shard0))).toBeGreaterThan(1e-4);
    tf.dispose([images, x0, x1]);
    opts.forEach((o) => o.dispose());
    [pooled, shard0, shard1].forEach((m) => m.dispose());
  });

  it('refuses images that are not float32, in step and probabilities (and trainStep too)', async () => {
    const model = plainCnn();
    const optimizer = new SgdMomentum();
    const pool = await ReplicaPool.start({ model, optimizer, replicas: 2 });
    const ints = tf.zeros([2, 8, 8, 3], 'int32') as tf.Tensor4D;
    try {
      await expect(pool.step(ints, new Int32Array(2))).rejects.toThrow(/Error in ReplicaPool.step: images must be float32, but got int32/);
      await pool.loadWeights();
      await expect(pool.probabilities(ints)).rejects.toThrow(/Error in ReplicaPool.probabilities: images must be float32, but got int32/);
      // trainStep, the one-thread step, refuses them too (tfjs-layers would cast and train on 0–255), leaking nothing.
      const before = tf.memory().numTensors;
      await expect(trainStep(model, optimizer, ints, new Int32Array(2))).rejects.toThrow(/Error in trainStep: images must be float32 in \[0, 1\].*got int32/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await pool.terminate();
      ints.dispose();
      optimizer.dispose();
      model.dispose();
    }
  });

  it('a failed step rejects with the error and leaves the pool usable; a terminated pool refuses steps', async () => {
    const model = plainCnn();
    const optimizer = new SgdMomentum();
    const pool = await ReplicaPool.start({ model, optimizer, replicas: 2 });
    const wrong = batchOf(4, 1, 9); // 9×9 images for an 8×8 model: fails on every replica
    const right = batchOf(4, 2);
    const before = tf.memory().numTensors;
    // Checked before the split, naming the whole batch.
    await expect(pool.step(wrong.images, wrong.labels)).rejects.toThrow(/Error in ReplicaPool.step: images has shape \[4, 9, 9, 3\] but the model takes \[B, 8, 8, 3\]/);
    const outOfRange = Int32Array.from([0, 1, 7, 2]);
    await expect(pool.step(right.images, outOfRange)).rejects.toThrow(/Error in ReplicaPool.step: labels\[2\] is 7, outside \[0, 5\) \(the model has 5 outputs\)/);
    // A failure inside the replicas (past that check, white-box): every shard throws; the pool waits for all.
    await expect((pool as unknown as { stepNow: (x: tf.Tensor4D, y: Int32Array) => Promise<unknown> }).stepNow(wrong.images, wrong.labels)).rejects.toThrow(/\[2, 9, 9, 3\]/);
    expect(tf.memory().numTensors).toBe(before);
    const result = await pool.step(right.images, right.labels);
    expect(Number.isFinite(result.loss)).toBe(true);
    await expect(pool.step(right.images, right.labels.subarray(0, 3))).rejects.toThrow(/Error in ReplicaPool.step: labels must be an Int32Array with one label per image \(4\), but got length 3/);
    await pool.terminate();
    await pool.terminate();
    await expect(pool.step(right.images, right.labels)).rejects.toThrow(/Error in ReplicaPool.step: the pool was terminated/);
    tf.dispose([wrong.images, right.images]);
    optimizer.dispose();
    model.dispose();
  });

  it('names bad options', async () => {
    const model = plainCnn();
    const optimizer = new SgdMomentum();
    for (const replicas of [0, -1, 1.5, Number.NaN, '2']) {
      await expect(ReplicaPool.start({ model, optimizer, replicas: replicas as number })).rejects.toThrow(/Error in ReplicaPool.start: options.replicas must be an integer ≥ 1, but got/);
    }
    await expect(ReplicaPool.start({ model: {} as never, optimizer, replicas: 2 })).rejects.toThrow(/options.model must be a tf.LayersModel/);
    await expect(ReplicaPool.start({ model, optimizer: {} as never, replicas: 2 })).rejects.toThrow(/options.optimizer must be an SgdMomentum/);
    model.dispose();
  });
});

describe('ReplicaPool (cpu)', () => {
  let start = 0;
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    start = tf.memory().numTensors;
  });
  afterAll(async () => {
    await ReplicaPool.stopParkedWorkers();
    expect(tf.memory().numTensors, 'tensors leaked by the file').toBe(start);
  });

  // The cpu backend keeps the arrays a tensor is made from: the pool must copy out of its reused buffers.
  it('batches of changing sizes match trainStep with momentum step after step', async () => {
    await expectChangingBatchesMatch();
  });
});
