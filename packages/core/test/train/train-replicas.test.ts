import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { TrackedWorker } from './tracked-workers.js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import { AbortError, createRng, initBackend, predict, smallCnn, syntheticDataset, train, type TrainOptions } from '@bdst/core';

/** Every Worker the code under test starts, and whether it has exited (been terminated). */
const started = vi.hoisted(() => [] as TrackedWorker[]);
vi.mock('node:worker_threads', async (importOriginal) => (await import('./tracked-workers.js')).trackingWorkerThreads(await importOriginal(), started));

const ROOT = resolve(__dirname, '../../../..');
const data = syntheticDataset({ size: 48, seed: 'train-replicas', height: 16, width: 16 });
const build = () => smallCnn({ inputShape: [16, 16, 3], numClasses: 10, widths: [4, 8, 8], rng: createRng('model') });
const base = (): TrainOptions => ({ epochs: 2, rng: createRng(5), batchSize: 16, lr: 0.05, replicas: 2 });
const weightsOf = (model: tfl.LayersModel) => model.getWeights().map((t) => Array.from(t.dataSync()));
const tmp = useTempDir('bdst-train-replicas');

/** Waits for the exit events of the workers started so far and checks they all ended. */
async function expectWorkersEnded(count: number): Promise<void> {
  await vi.waitFor(() => expect(started.filter((s) => !s.exited)).toEqual([]));
  expect(started.length).toBe(count);
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterEach(() => {
  started.length = 0;
  delete process.env.BDST_REPLICAS;
});

describe('train({ replicas }) (wasm)', () => {
  it('replicas 2 is bit-identical run to run for a seed, keeps the tensor count, and terminates its worker', async () => {
    const a = build();
    const b = build();
    const before = tf.memory().numTensors;
    const batches: string[] = [];
    const tensorsAtEpochEnd: number[] = [];
    const ra = await train(a, data, { ...base(), onBatchEnd: ({ epoch, batch }) => batches.push(`${epoch}.${batch}`), onEpochEnd: () => tensorsAtEpochEnd.push(tf.memory().numTensors) });
    expect(tf.memory().numTensors).toBe(before);
    await expectWorkersEnded(1);
    const rb = await train(b, data, base());
    expect(weightsOf(b)).toEqual(weightsOf(a));
    expect(rb.history.map((h) => [h.loss, h.accuracy])).toEqual(ra.history.map((h) => [h.loss, h.accuracy]));
    expect(batches).toEqual(['1.1', '1.2', '1.3', '2.1', '2.2', '2.3']);
    expect(tensorsAtEpochEnd).toEqual([before + a.trainableWeights.length, before + a.trainableWeights.length]);
    await expectWorkersEnded(2);
    [a, b].forEach((m) => m.dispose());
  });

  it('resumes from a checkpoint bit-identically with replicas 2, and terminates the workers on abort', async () => {
    const reference = build();
    await train(reference, data, { ...base(), epochs: 3 });
    const dir = join(tmp(), 'killed');
    const controller = new AbortController();
    const first = build();
    const before = tf.memory().numTensors;
    const error = await train(first, data, {
      ...base(),
      epochs: 3,
      checkpointDir: dir,
      signal: controller.signal,
      onBatchEnd: ({ epoch, batch }) => epoch === 2 && batch === 1 && controller.abort(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(tf.memory().numTensors).toBe(before);
    first.dispose();
    const resumed = build();
    const result = await train(resumed, data, { ...base(), epochs: 3, checkpointDir: dir });
    expect(result.resumedFromEpoch).toBe(1);
    expect(weightsOf(resumed)).toEqual(weightsOf(reference));
    await expectWorkersEnded(3);
    [reference, resumed].forEach((m) => m.dispose());
  });

  it('smallCnn (BatchNorm) reaches the same accuracy with replicas 1 and 2 from the same seed', async () => {
    const size = 16;
    const trainSet = syntheticDataset({ size: 2400, seed: 'replicas-train', height: size, width: size });
    const testSet = syntheticDataset({ size: 400, seed: 'replicas-test', height: size, width: size });
    const accuracies: number[] = [];
    for (const replicas of [1, 2]) {
      const model = smallCnn({ inputShape: [size, size, 3], numClasses: 10, rng: createRng('replicas-model') });
      await train(model, trainSet, { epochs: 3, batchSize: 64, lr: 0.1, weightDecay: 5e-4, schedule: { milestones: [2], gamma: 0.2 }, rng: createRng('replicas'), replicas });
      const { labels } = await predict(model, testSet);
      accuracies.push(labels.filter((y, i) => y === testSet.labels[i]).length / testSet.length);
      model.dispose();
    }
    console.log(`test accuracy with replicas 1 / 2: ${accuracies.map((a) => (100 * a).toFixed(1)).join('% / ')}%`);
    // Different shards normalize with different BatchNorm statistics, so the runs differ, within noise.
    for (const accuracy of accuracies) expect(accuracy).toBeGreaterThan(0.8);
    expect(Math.abs(accuracies[1] - accuracies[0])).toBeLessThan(0.05);
  }, 300_000);

  it('takes the default from BDST_REPLICAS, and names a bad replicas option or variable before any work', async () => {
    const model = build();
    for (const replicas of [0, -1, 1.5, Number.NaN, '2']) {
      await expect(train(model, data, { ...base(), replicas: replicas as number })).rejects.toThrow(/Error in train: options.replicas must be an integer ≥ 1, but got/);
    }
    process.env.BDST_REPLICAS = 'two';
    await expect(train(model, data, { ...base(), replicas: undefined })).rejects.toThrow(
      /Error in train: the BDST_REPLICAS environment variable \(the default of options.replicas\) must be an integer ≥ 1, but got 'two'/,
    );
    expect(started).toEqual([]);
    process.env.BDST_REPLICAS = '2';
    await train(model, data, { ...base(), epochs: 1, replicas: undefined });
    await expectWorkersEnded(1);
    model.dispose();
  });

  it('an idle pool left unterminated does not keep the process alive', () => {
    // A child process starts a pool, steps once and never terminates it: it must still exit.
    const script = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import { ReplicaPool, SgdMomentum, createRng, initBackend, smallCnn } from '@bdst/core';",
      "await initBackend({ backend: 'wasm', quiet: true });",
      "const model = smallCnn({ inputShape: [8, 8, 3], numClasses: 2, widths: [2, 2, 2], rng: createRng(1) });",
      'const pool = await ReplicaPool.start({ model, optimizer: new SgdMomentum(), replicas: 2 });',
      "const r = await pool.step(tf.ones([4, 8, 8, 3]), Int32Array.of(0, 1, 0, 1));",
      "console.log('stepped', r.correct >= 0);",
    ].join('\n');
    const stdout = execFileSync(process.execPath, ['--conditions', 'source', '--import', 'tsx', '--input-type=module', '--eval', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe('stepped true');
  });
});

describe('train({ replicas }) (cpu)', () => {
  it('trains with 2 replicas on the cpu backend, deterministically', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    try {
      const small = data.subset([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const [a, b] = [build(), build()];
      await train(a, small, { ...base(), epochs: 1, batchSize: 5 });
      await train(b, small, { ...base(), epochs: 1, batchSize: 5 });
      expect(weightsOf(b)).toEqual(weightsOf(a));
      await expectWorkersEnded(2);
      [a, b].forEach((m) => m.dispose());
    } finally {
      await initBackend({ backend: 'wasm', quiet: true });
    }
  });
});
