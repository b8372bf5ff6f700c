import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, initBackend, syntheticDataset } from '@bdst/core';
import { expectNoLeak } from '@bdst/test-utils';
import { createSimclrModel, embed, knnAccuracy, scheduledRate, SimclrTrainer } from '@bdst/simclr';
import type { SimclrEpochReport, SimclrModel } from '@bdst/simclr';

const data = syntheticDataset({ size: 20, seed: 'simclr-trainer', height: 16, width: 16 });
const probe = syntheticDataset({ size: 12, seed: 'simclr-probe', height: 16, width: 16 });
const newModel = (): SimclrModel => createSimclrModel({ encoder: 'smallCnn', inputShape: [16, 16, 3], widths: [2, 4, 4], projectionDim: 4, rng: createRng('init') });
const tiny = { batchSize: 8, lr: 0.1 };
const weightsOf = (m: SimclrModel) => m.network.getWeights().map((w) => Array.from(w.dataSync()));
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'bdst-simclr-'));
  dirs.push(d);
  return d;
};

describe('SimclrTrainer', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('trains, reports every batch and epoch (with the k-NN monitor), and leaks no tensors', async () => {
    const model = newModel();
    const batches: number[] = [];
    const epochs: SimclrEpochReport[] = [];
    const before = weightsOf(model);
    const result = await expectNoLeak(() => new SimclrTrainer(model).fit(data, {
      ...tiny, epochs: 2, rng: createRng(1),
      knnMonitor: { memory: probe, query: probe, k: 3, every: 2 },
      onBatchEnd: (b) => batches.push(b.batch),
      onEpochEnd: (r) => epochs.push(r),
    }));
    // 20 images in batches of 8: 8, 8, 4.
    expect(batches).toEqual([1, 2, 3, 1, 2, 3]);
    expect(result.history).toEqual(epochs);
    expect(epochs.map((e) => e.images)).toEqual([20, 20]);
    expect(epochs.every((e) => Number.isFinite(e.loss) && e.loss > 0)).toBe(true);
    expect(epochs[0].knnAccuracy).toBeNull(); // every: 2
    expect(epochs[1].knnAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.initialKnnAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.resumedFromEpoch).toBeNull();
    expect(weightsOf(model)).not.toEqual(before);
    model.network.dispose();
  });

  it('never lets the labels change anything: relabelled images train to the same weights', async () => {
    const a = newModel();
    const b = newModel();
    const shuffled = data.withLabels(createRng(9).shuffleInPlace(data.labels.slice()));
    await new SimclrTrainer(a).fit(data, { ...tiny, epochs: 1, rng: createRng(2) });
    await new SimclrTrainer(b).fit(shuffled, { ...tiny, epochs: 1, rng: createRng(2) });
    expect(weightsOf(b)).toEqual(weightsOf(a));
    a.network.dispose();
    b.network.dispose();
  });

  it('resumes from its checkpoint to the same weights as an uninterrupted run', async () => {
    const straight = newModel();
    await new SimclrTrainer(straight).fit(data, { ...tiny, epochs: 2, rng: createRng(3) });
    const dir = tempDir();
    const first = newModel();
    await new SimclrTrainer(first).fit(data, { ...tiny, epochs: 1, rng: createRng(3), checkpointDir: dir });
    first.network.dispose();
    const resumed = newModel();
    const result = await new SimclrTrainer(resumed).fit(data, { ...tiny, epochs: 2, rng: createRng(3), checkpointDir: dir });
    expect(result.resumedFromEpoch).toBe(1);
    expect(result.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(weightsOf(resumed)).toEqual(weightsOf(straight));
    // Another seed or batch size cannot resume that checkpoint.
    await expect(new SimclrTrainer(resumed).fit(data, { ...tiny, epochs: 2, rng: createRng(4), checkpointDir: dir })).rejects.toThrow(/holds a run with rng seed "3" but options.rng has seed "4"/);
    await expect(new SimclrTrainer(resumed).fit(data, { ...tiny, batchSize: 4, epochs: 2, rng: createRng(3), checkpointDir: dir })).rejects.toThrow(/holds a run with batchSize 8 but this run has 4/);
    straight.network.dispose();
    resumed.network.dispose();
  });

  it('stops with an AbortError between batches when the signal fires', async () => {
    const model = newModel();
    const controller = new AbortController();
    const run = new SimclrTrainer(model).fit(data, { ...tiny, epochs: 3, rng: createRng(5), signal: controller.signal, onBatchEnd: (b) => b.batch === 2 && controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    await expect(run).rejects.toThrow(/aborted by the signal in epoch 1 before batch 3 of 3/);
    model.network.dispose();
  });

  it('rejects bad options before any work, naming them', async () => {
    const model = newModel();
    const trainer = new SimclrTrainer(model);
    const rng = createRng(0);
    await expect(trainer.fit(data, { epochs: 0, rng })).rejects.toThrow(/Error in SimclrTrainer.fit: options.epochs must be an integer ≥ 1, but got 0/);
    await expect(trainer.fit(data, { epochs: 1, rng, batchSize: 1 })).rejects.toThrow(/options.batchSize must be an integer ≥ 2, but got 1/);
    await expect(trainer.fit(data, { epochs: 1, rng, temperature: -1 })).rejects.toThrow(/options.temperature must be a finite number > 0, but got -1/);
    await expect(trainer.fit(data, { epochs: 1, rng, schedule: { milestones: [3, 2], gamma: 0.1 } })).rejects.toThrow(/options.schedule must be 'cosine' or/);
    await expect(trainer.fit(data.subset([0]), { epochs: 1, rng })).rejects.toThrow(/dataset must hold at least 2 images/);
    const gray = syntheticDataset({ size: 4, seed: 1, height: 16, width: 16, channels: 1 });
    await expect(trainer.fit(gray, { epochs: 1, rng })).rejects.toThrow(/the model's input shape \[16,16,3\] does not match dataset's image shape \[16, 16, 1\]/);
    await expect(trainer.fit(data, { epochs: 1, rng, knnMonitor: { memory: gray, query: probe } })).rejects.toThrow(/options.knnMonitor.memory's image shape/);
    expect(() => new SimclrTrainer({} as SimclrModel)).toThrow(/Error in SimclrTrainer: model must be a SimclrModel/);
    model.network.dispose();
  });

  it('follows a cosine or step learning-rate schedule per epoch', () => {
    expect(scheduledRate(0.6, 'cosine', 1, 10)).toBeCloseTo(0.6, 12);
    expect(scheduledRate(0.6, 'cosine', 6, 10)).toBeCloseTo(0.3, 12);
    expect(scheduledRate(0.6, undefined, 7, 10)).toBe(0.6);
    expect(scheduledRate(1, { milestones: [2], gamma: 0.1 }, 3, 10)).toBeCloseTo(0.1, 12);
  });
});

describe('embed and knnAccuracy', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('streams L2-normalized encoder features in dataset order, independent of the batch size', async () => {
    const model = newModel();
    const h = await expectNoLeak(() => embed(model, probe, { batchSize: 5 }));
    expect(h.count).toBe(12);
    expect(h.dim).toBe(4);
    for (let i = 0; i < h.count; i++) {
      const row = h.vectors.subarray(i * 4, i * 4 + 4);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    }
    const whole = await embed(model.encoder, probe);
    whole.vectors.forEach((v, i) => expect(v).toBeCloseTo(h.vectors[i], 5));
    const direct = tf.tidy(() => {
      const f = model.encoder.predict(probe.toTensor([3])) as tf.Tensor;
      return Array.from(tf.div(f, tf.norm(f)).dataSync());
    });
    direct.forEach((v, d) => expect(h.vectors[3 * 4 + d]).toBeCloseTo(v, 5));
    await expect(embed(model, syntheticDataset({ size: 2, seed: 1, height: 17, width: 16 }))).rejects.toThrow(/Error in embed: the encoder's input shape \[16,16,3\] does not match the dataset's image shape \[17, 16, 3\]/);
    model.network.dispose();
  });

  it('classifies each query by a majority of its k most similar memory rows', () => {
    const unit = (rows: number[][]) => ({ vectors: Float32Array.from(rows.flat()), count: rows.length, dim: rows[0].length });
    const memory = unit([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [0.8, 0.2]]);
    const memoryLabels = Int32Array.of(0, 0, 1, 1, 1);
    const query = unit([[0.95, 0.05], [0.05, 0.95]]);
    // k = 1: nearest neighbours are rows 0 and 2.
    expect(knnAccuracy(memory, memoryLabels, query, Int32Array.of(0, 1), { k: 1 })).toBe(1);
    // k = 5: every row votes; class 1 has 3 votes, so both queries become 1.
    expect(knnAccuracy(memory, memoryLabels, query, Int32Array.of(0, 1), { k: 5 })).toBe(0.5);
    expect(() => knnAccuracy(memory, memoryLabels.subarray(1), query, Int32Array.of(0, 1))).toThrow(/Error in knnAccuracy: memoryLabels must be an Int32Array of length 5/);
    expect(() => knnAccuracy(memory, memoryLabels, query, Int32Array.of(0, 1), { k: 0 })).toThrow(/options.k must be an integer ≥ 1, but got 0/);
  });
});
