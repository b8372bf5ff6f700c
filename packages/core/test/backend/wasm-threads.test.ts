import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, initBackend, predict, smallCnn, syntheticDataset, train } from '@bdst/core';

interface TrainedRun {
  accuracy: number;
  weights: Float32Array[];
}

const trainSet = syntheticDataset({ size: 480, seed: 'threads-train', height: 16, width: 16 });
const testSet = syntheticDataset({ size: 240, seed: 'threads-test', height: 16, width: 16 });

/** Trains the same small CNN from the same seed on `threads` WASM threads; returns test accuracy and weights. */
async function trainOn(threads: number): Promise<TrainedRun> {
  const info = await initBackend({ backend: 'wasm', threads, quiet: true });
  expect(info.threads).toBe(threads);
  const before = tf.memory().numTensors;
  const model = smallCnn({ inputShape: [16, 16, 3], numClasses: 10, widths: [8, 16, 32], rng: createRng('threads-model') });
  await train(model, trainSet, { epochs: 3, batchSize: 32, lr: 0.05, rng: createRng('threads-run') });
  const { labels } = await predict(model, testSet, { batchSize: 120 });
  const accuracy = labels.reduce((hits, label, i) => hits + (label === testSet.labels[i] ? 1 : 0), 0) / testSet.length;
  const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  model.dispose();
  expect(tf.memory().numTensors, 'tensors left after training and predicting').toBe(before);
  return { accuracy, weights };
}

function bitIdentical(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((w, i) => Buffer.from(w.buffer).equals(Buffer.from(b[i].buffer)));
}

describe('initBackend threads (wasm)', () => {
  afterAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  });

  it('reports the thread count it started, in the info and the description', async () => {
    const two = await initBackend({ backend: 'wasm', threads: 2, quiet: true });
    expect(two.threads).toBe(2);
    expect(two.description).toBe("wasm (SIMD, 2 threads): requested by option 'backend'");
    const one = await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    expect(one.threads).toBe(1);
    expect(one.description).toBe("wasm (SIMD, 1 thread): requested by option 'backend'");
  });

  it('trains to the same accuracy on 1 and 2 threads from the same seed, deterministically for each count', async () => {
    const single = await trainOn(1);
    const singleAgain = await trainOn(1);
    const dual = await trainOn(2);
    const dualAgain = await trainOn(2);
    // threads: 1 is bit-identical run to run, and so is a fixed thread count > 1.
    expect(bitIdentical(single.weights, singleAgain.weights)).toBe(true);
    expect(bitIdentical(dual.weights, dualAgain.weights)).toBe(true);
    // Learned something (10 classes: chance is 0.1; 3 short epochs reach ~0.25–0.4), and the same on both thread counts.
    expect(single.accuracy).toBeGreaterThan(0.2);
    expect(Math.abs(dual.accuracy - single.accuracy)).toBeLessThanOrEqual(0.05);
    // XNNPACK splits output tiles between threads without reordering any sum, so here the two
    // counts even agree bit for bit.
    expect(bitIdentical(single.weights, dual.weights)).toBe(true);
  }, 240_000);

  it('refuses to change the thread count while the wasm backend holds tensors', async () => {
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const kept = tf.ones([2, 2]);
    await expect(initBackend({ backend: 'wasm', threads: 2, quiet: true })).rejects.toThrow(
      /cannot change the wasm backend from 1 to 2 threads while it holds 1 tensors/,
    );
    expect(Array.from(kept.dataSync())).toEqual([1, 1, 1, 1]);
    kept.dispose();
    expect((await initBackend({ backend: 'wasm', threads: 2, quiet: true })).threads).toBe(2);
  });

  it('checks the threads option and BDST_WASM_THREADS', async () => {
    await expect(initBackend({ backend: 'wasm', threads: 0, quiet: true })).rejects.toThrow(
      "initBackend: threads must be an integer in [1, 8] or 'auto', but got 0 (from option 'threads')",
    );
    await expect(initBackend({ backend: 'wasm', threads: 1.5, quiet: true })).rejects.toThrow(/but got 1\.5/);
    const saved = process.env.BDST_WASM_THREADS;
    try {
      process.env.BDST_WASM_THREADS = 'many';
      await expect(initBackend({ backend: 'wasm', quiet: true })).rejects.toThrow("but got 'many' (from BDST_WASM_THREADS)");
      process.env.BDST_WASM_THREADS = '2';
      expect((await initBackend({ backend: 'wasm', quiet: true })).threads).toBe(2);
      expect((await initBackend({ backend: 'wasm', threads: 1, quiet: true })).threads).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.BDST_WASM_THREADS;
      else process.env.BDST_WASM_THREADS = saved;
    }
  });
});
