import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { TrackedWorker } from './tracked-workers.js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import { AbortError, createRng, initBackend, predict, ReplicaPool, SgdMomentum, smallCnn, syntheticDataset, train, type TrainOptions } from '@bdst/core';

/** Every Worker the code under test starts, and whether it has exited (been terminated). */
const started = vi.hoisted(() => [] as TrackedWorker[]);
vi.mock('node:worker_threads', async (importOriginal) => (await import('./tracked-workers.js')).trackingWorkerThreads(await importOriginal(), started));

const ROOT = resolve(__dirname, '../../../..');
const data = syntheticDataset({ size: 48, seed: 'train-replicas', height: 16, width: 16 });
const build = () => smallCnn({ inputShape: [16, 16, 3], numClasses: 10, widths: [4, 8, 8], rng: createRng('model') });
const base = (): TrainOptions => ({ epochs: 2, rng: createRng(5), batchSize: 16, lr: 0.05, replicas: 2 });
const weightsOf = (model: tfl.LayersModel) => model.getWeights().map((t) => Array.from(t.dataSync()));
const tmp = useTempDir('bdst-train-replicas');

/**
 * Checks that `count` workers were started so far and that none is running a pool: each is parked
 * (train() terminated its pool) or gone; then stops the parked ones and waits for their exits.
 */
async function expectWorkersEnded(count: number): Promise<void> {
  expect(started.length).toBe(count);
  expect(started.filter((s) => !s.exited).length).toBe(ReplicaPool.parkedWorkerCount());
  await ReplicaPool.stopParkedWorkers();
  await vi.waitFor(() => expect(started.filter((s) => !s.exited)).toEqual([]));
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterEach(async () => {
  await ReplicaPool.stopParkedWorkers();
  started.length = 0;
  delete process.env.BDST_REPLICAS;
});

describe('train({ replicas }) (wasm)', () => {
  it('replicas 2 is bit-identical run to run for a seed, keeps the tensor count, and parks its worker', async () => {
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

  it('resumes from a checkpoint bit-identically with replicas 2, and parks the worker on abort', async () => {
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
    await expectWorkersEnded(1); // the reference's worker, parked, served the aborted and the resumed run too
    [reference, resumed].forEach((m) => m.dispose());
  });

  it('a later train() reuses the parked worker, for another architecture too, with the results of a fresh worker', async () => {
    const other = () => smallCnn({ inputShape: [16, 16, 3], numClasses: 10, widths: [6, 4, 8], rng: createRng('other') });
    const fresh = async (make: () => tfl.LayersModel) => {
      await ReplicaPool.stopParkedWorkers();
      const model = make();
      await train(model, data, base());
      return model;
    };
    const referenceA = await fresh(build);
    const referenceB = await fresh(other);
    await ReplicaPool.stopParkedWorkers();
    started.length = 0;
    const a = build();
    await train(a, data, base()); // starts a worker
    const b = other();
    await train(b, data, base()); // the same worker, with the other model rebuilt in it
    const a2 = build();
    await train(a2, data, base());
    expect(started.length).toBe(1);
    expect(ReplicaPool.parkedWorkerCount()).toBe(1);
    expect(weightsOf(a)).toEqual(weightsOf(referenceA));
    expect(weightsOf(b)).toEqual(weightsOf(referenceB));
    expect(weightsOf(a2)).toEqual(weightsOf(referenceA));
    await expectWorkersEnded(1);
    [referenceA, referenceB, a, b, a2].forEach((m) => m.dispose());
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

  it('parks only healthy workers: one that exited is dropped, parked or not', async () => {
    const model = build();
    const optimizer = new SgdMomentum();
    const pool = await ReplicaPool.start({ model, optimizer, replicas: 2 });
    await pool.terminate();
    expect(ReplicaPool.parkedWorkerCount()).toBe(1);
    await started[0].worker.terminate(); // a parked worker that dies leaves the list
    await vi.waitFor(() => expect(ReplicaPool.parkedWorkerCount()).toBe(0));
    const next = await ReplicaPool.start({ model, optimizer, replicas: 2 });
    expect(started.length).toBe(2);
    await started[1].worker.terminate(); // a pool whose worker died does not park it
    await next.terminate();
    expect(ReplicaPool.parkedWorkerCount()).toBe(0);
    optimizer.dispose();
    model.dispose();
  });

  it('an idle pool left unterminated, or a parked worker, does not keep the process alive', () => {
    // A child process parks a worker, starts a pool on another, steps once and never terminates it: it must still exit.
    const script = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import { ReplicaPool, SgdMomentum, createRng, initBackend, smallCnn } from '@bdst/core';",
      "await initBackend({ backend: 'wasm', quiet: true });",
      "const model = smallCnn({ inputShape: [8, 8, 3], numClasses: 2, widths: [2, 2, 2], rng: createRng(1) });",
      'await (await ReplicaPool.start({ model, replicas: 2 })).terminate();',
      'const parked = await ReplicaPool.start({ model, replicas: 2 });',
      'const pool = await ReplicaPool.start({ model, optimizer: new SgdMomentum(), replicas: 2 });',
      'await parked.terminate();',
      "console.log('parked', ReplicaPool.parkedWorkerCount());",
      "const r = await pool.step(tf.ones([4, 8, 8, 3]), Int32Array.of(0, 1, 0, 1));",
      "console.log('stepped', r.correct >= 0);",
    ].join('\n');
    const stdout = execFileSync(process.execPath, ['--conditions', 'source', '--import', 'tsx', '--input-type=module', '--eval', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe('parked 1\nstepped true');
  });
});

describe('train({ replicas }) (cpu)', () => {
  it('trains with 2 replicas on the cpu backend, deterministically, never on a worker parked by a wasm pool', async () => {
    const wasmModel = build();
    const wasmPool = await ReplicaPool.start({ model: wasmModel, replicas: 2 });
    await wasmPool.terminate();
    wasmModel.dispose();
    expect(ReplicaPool.parkedWorkerCount()).toBe(1);
    await initBackend({ backend: 'cpu', quiet: true });
    try {
      const small = data.subset([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const [a, b] = [build(), build()];
      await train(a, small, { ...base(), epochs: 1, batchSize: 5 });
      await train(b, small, { ...base(), epochs: 1, batchSize: 5 });
      expect(weightsOf(b)).toEqual(weightsOf(a));
      expect(started.length).toBe(2); // a's run did not take the worker parked by the wasm pool above, b's reused a's
      await expectWorkersEnded(2);
      [a, b].forEach((m) => m.dispose());
    } finally {
      await initBackend({ backend: 'wasm', quiet: true });
    }
  });
});
