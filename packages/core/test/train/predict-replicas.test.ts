import * as tf from '@tensorflow/tfjs-core';
import type { TrackedWorker } from './tracked-workers.js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRng, initBackend, predict, ReplicaPool, smallCnn, syntheticDataset, train } from '@bdst/core';
import type { Rng, Transform } from '@bdst/core';

/** Every Worker the code under test starts, and whether it has exited (been terminated). */
const started = vi.hoisted(() => [] as TrackedWorker[]);
vi.mock('node:worker_threads', async (importOriginal) => (await import('./tracked-workers.js')).trackingWorkerThreads(await importOriginal(), started));

// 4 batches of 16 and a partial one: the smallest dataset predict splits across replicas.
const data = syntheticDataset({ size: 4 * 16 + 5, seed: 'predict-replicas', height: 16, width: 16 });
/** A random transform (a horizontal flip of the batch with probability ½ per batch), applied before the split. */
const randomFlip: Transform = (x: tf.Tensor4D, rng: Rng) => (rng.next() < 0.5 ? tf.reverse(x, 2) : x.clone());
const build = () => smallCnn({ inputShape: [16, 16, 3], numClasses: 10, widths: [4, 8, 8], rng: createRng('predict-replicas-model') });

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1, quiet: true });
});
afterEach(async () => {
  await ReplicaPool.stopParkedWorkers();
  started.length = 0;
  delete process.env.BDST_REPLICAS;
});

describe('predict({ replicas }) (wasm)', () => {
  it('gives the same probabilities as one replica (BatchNorm on moving statistics), with a transform too, and parks its worker', async () => {
    const model = build();
    // A few training epochs so the BatchNorm moving statistics are not the initial ones.
    await train(model, data, { epochs: 2, batchSize: 16, lr: 0.05, rng: createRng(1) });
    const before = tf.memory().numTensors;
    for (const transform of [null, randomFlip]) {
      const options = { batchSize: 16, transform, ...(transform && { rng: createRng('t') }) };
      const one = await predict(model, data, { ...options, replicas: 1 });
      expect(started.length).toBe(0);
      const two = await predict(model, data, { ...options, ...(transform && { rng: createRng('t') }), replicas: 2 });
      expect(started.length).toBe(1);
      expect(ReplicaPool.parkedWorkerCount()).toBe(1); // predict's pool ended; its worker waits for the next pool
      await ReplicaPool.stopParkedWorkers();
      await vi.waitFor(() => expect(started.every((s) => s.exited)).toBe(true));
      started.length = 0;
      expect(Array.from(two.labels)).toEqual(Array.from(one.labels));
      one.probabilities.forEach((p, i) => expect(Math.abs(two.probabilities[i] - p), `probability ${i}`).toBeLessThanOrEqual(1e-6));
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('starts no worker for fewer than 4 batches, and does not read BDST_REPLICAS (opt-in only)', async () => {
    const model = build();
    const small = syntheticDataset({ size: 3 * 16, seed: 'predict-replicas-small', height: 16, width: 16 });
    await predict(model, small, { batchSize: 16, replicas: 2 });
    expect(started.length).toBe(0);
    process.env.BDST_REPLICAS = '2';
    await predict(model, data, { batchSize: 16 });
    expect(started.length).toBe(0);
    model.dispose();
  });

  it('names a bad replicas value', async () => {
    const model = build();
    await expect(predict(model, data, { replicas: 0 })).rejects.toThrow(/predict: options.replicas must be an integer ≥ 1, but got 0/);
    await expect(predict(model, data, { replicas: 1.5 })).rejects.toThrow(/predict: options.replicas must be an integer ≥ 1, but got 1.5/);
    model.dispose();
  });

  it('ReplicaPool.probabilities needs loadWeights first, and a pool without optimizer refuses step', async () => {
    const model = build();
    const pool = await ReplicaPool.start({ model, replicas: 2 });
    const images = tf.zeros([4, 16, 16, 3]) as tf.Tensor4D;
    try {
      await expect(pool.probabilities(images)).rejects.toThrow(/loadWeights\(\) first/);
      await expect(pool.step(images, new Int32Array(4))).rejects.toThrow(/without an optimizer/);
      await pool.loadWeights();
      const p = await pool.probabilities(images);
      expect(p.length).toBe(4 * 10);
    } finally {
      images.dispose();
      await pool.terminate();
      model.dispose();
    }
  });
});
