import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import {
  AbortError,
  ImageDataset,
  TRAIN_CHECKPOINT_FILE,
  createRng,
  initBackend,
  smallCnn,
  syntheticDataset,
  train,
  type EpochReport,
  type TrainOptions,
} from '@bdst/core';

// Small enough that a whole run takes well under a second on WASM: 64 images of 16×16, 4 batches.
const data = syntheticDataset({ size: 64, seed: 'train-test', height: 16, width: 16 });
const build = () => smallCnn({ inputShape: [16, 16, 3], numClasses: 10, widths: [4, 8, 8], rng: createRng('model') });
const base = (): TrainOptions => ({ epochs: 3, rng: createRng(21), batchSize: 16, lr: 0.05, schedule: { milestones: [2], gamma: 0.1 } });
const weightsOf = (model: tfl.LayersModel) => model.getWeights().map((t) => Array.from(t.dataSync()));
const withoutSeconds = (history: EpochReport[]) => history.map(({ seconds: _, ...rest }) => rest);

const tmp = useTempDir('bdst-train');
beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

describe('train', () => {
  it('runs the epochs with the lr schedule, reports every batch and epoch, and keeps the tensor count constant', async () => {
    const model = build();
    const before = tf.memory().numTensors;
    const batches: string[] = [];
    const tensorsAtEpochEnd: number[] = [];
    const { history, resumedFromEpoch } = await train(model, data, {
      ...base(),
      onBatchEnd: ({ epoch, batch, batches: of, loss }) => {
        expect(Number.isFinite(loss)).toBe(true);
        batches.push(`${epoch}.${batch}/${of}`);
      },
      onEpochEnd: () => tensorsAtEpochEnd.push(tf.memory().numTensors),
    });
    expect(resumedFromEpoch).toBeNull();
    expect(batches).toEqual(['1.1/4', '1.2/4', '1.3/4', '1.4/4', '2.1/4', '2.2/4', '2.3/4', '2.4/4', '3.1/4', '3.2/4', '3.3/4', '3.4/4']);
    expect(history.map((h) => h.lr)).toEqual([0.05, 0.05, 0.05 * 0.1]);
    expect(history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    for (const h of history) {
      expect(h.images).toBe(64);
      expect(h.accuracy).toBeGreaterThanOrEqual(0);
      expect(h.accuracy).toBeLessThanOrEqual(1);
      expect(h.loss).toBeGreaterThan(0);
    }
    // The momentum buffers live during training (one per trainable weight) and are freed at the end.
    expect(new Set(tensorsAtEpochEnd).size, `tensors at epoch ends: ${tensorsAtEpochEnd}`).toBe(1);
    expect(tensorsAtEpochEnd[0]).toBe(before + model.trainableWeights.length);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('is a pure function of the seed: two runs give bit-identical weights; another seed does not', async () => {
    const a = build();
    const b = build();
    const c = build();
    await train(a, data, base());
    await train(b, data, base());
    await train(c, data, { ...base(), rng: createRng(22) });
    expect(weightsOf(b)).toEqual(weightsOf(a));
    expect(weightsOf(c)).not.toEqual(weightsOf(a));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('applies the transform hook to every training batch with its own rng stream', async () => {
    const seen: Array<{ shape: number[]; seed: string }> = [];
    const model = build();
    await train(model, data, {
      ...base(),
      epochs: 1,
      transform: (x, rng) => {
        seen.push({ shape: x.shape.slice(), seed: rng.seed });
        return tf.tidy(() => tf.sub(1, x));
      },
    });
    expect(seen.map((s) => s.shape)).toEqual([[16, 16, 16, 3], [16, 16, 16, 3], [16, 16, 16, 3], [16, 16, 16, 3]]);
    expect(new Set(seen.map((s) => s.seed))).toEqual(new Set(['21/epoch-1/transform']));
    model.dispose();
  });

  it('stops with an AbortError when the signal fires, and resumes from the checkpoint bit-identically', async () => {
    // The uninterrupted reference run.
    const reference = build();
    const full = await train(reference, data, { ...base(), checkpointDir: join(tmp(), 'full') });

    // Killed after epoch 1 (the signal fires in onEpochEnd, after the checkpoint is written) …
    const dir = join(tmp(), 'killed-after-epoch-1');
    const controller = new AbortController();
    const first = build();
    const error = await train(first, data, { ...base(), checkpointDir: dir, signal: controller.signal, onEpochEnd: ({ epoch }) => epoch === 1 && controller.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).name).toBe('AbortError');
    expect((error as Error).message).toMatch(/train: aborted by the signal in epoch 2 before batch 1 of 4/);
    expect(await readdir(dir)).toEqual([TRAIN_CHECKPOINT_FILE]);
    first.dispose();

    // … and resumed in a fresh process-like state: a new model built the same way, same options.
    const resumed = build();
    const epochsRun: number[] = [];
    const result = await train(resumed, data, { ...base(), checkpointDir: dir, onEpochEnd: ({ epoch }) => epochsRun.push(epoch) });
    expect(result.resumedFromEpoch).toBe(1);
    expect(epochsRun).toEqual([2, 3]);
    expect(weightsOf(resumed)).toEqual(weightsOf(reference));
    expect(withoutSeconds(result.history)).toEqual(withoutSeconds(full.history));
    [reference, resumed].forEach((m) => m.dispose());
  });

  it('resumes bit-identically after a kill in the middle of an epoch (the partial epoch is redone)', async () => {
    const reference = build();
    await train(reference, data, base());
    const dir = join(tmp(), 'killed-mid-epoch-2');
    const controller = new AbortController();
    const first = build();
    await expect(
      train(first, data, { ...base(), checkpointDir: dir, signal: controller.signal, onBatchEnd: ({ epoch, batch }) => epoch === 2 && batch === 2 && controller.abort() }),
    ).rejects.toThrow(/aborted by the signal in epoch 2 before batch 3 of 4/);
    first.dispose();
    const resumed = build();
    const result = await train(resumed, data, { ...base(), checkpointDir: dir });
    expect(result.resumedFromEpoch).toBe(1);
    expect(weightsOf(resumed)).toEqual(weightsOf(reference));
    // A finished run's checkpoint resumes to "nothing left to do".
    const again = build();
    const done = await train(again, data, { ...base(), checkpointDir: dir });
    expect(done.resumedFromEpoch).toBe(3);
    expect(weightsOf(again)).toEqual(weightsOf(reference));
    [reference, resumed, again].forEach((m) => m.dispose());
  });

  it('refuses a checkpoint from another run (seed or settings), and a corrupt checkpoint, naming it', async () => {
    const dir = join(tmp(), 'other-run');
    const model = build();
    await train(model, data, { ...base(), epochs: 1, checkpointDir: dir });
    await expect(train(model, data, { ...base(), rng: createRng(99), checkpointDir: dir })).rejects.toThrow(
      /Error in train: checkpointDir .*other-run holds a run with rng seed "21" but options.rng has seed "99"/,
    );
    await expect(train(model, data, { ...base(), batchSize: 32, checkpointDir: dir })).rejects.toThrow(/holds a run with batchSize 16 but this run has 32/);
    await expect(train(model, data, { ...base(), epochs: 1, lr: 0.1, checkpointDir: dir })).rejects.toThrow(/holds a run with lr 0.05 but this run has 0.1/);
    const valid = await readFile(join(dir, TRAIN_CHECKPOINT_FILE));
    await writeFile(join(dir, TRAIN_CHECKPOINT_FILE), valid.subarray(0, valid.length - 10));
    await expect(train(model, data, { ...base(), checkpointDir: dir })).rejects.toThrow(/train-checkpoint\.bin is not a valid bdst training checkpoint \(truncated data\)/);
    await writeFile(join(dir, TRAIN_CHECKPOINT_FILE), Buffer.concat([valid.subarray(0, 12), Buffer.from('{not json')]));
    await expect(train(model, data, { ...base(), checkpointDir: dir })).rejects.toThrow(/not a valid bdst training checkpoint \((corrupt header|truncated header)\)/);
    await writeFile(join(dir, TRAIN_CHECKPOINT_FILE), 'garbage');
    await expect(train(model, data, { ...base(), checkpointDir: dir })).rejects.toThrow(/checkpoint .*train-checkpoint\.bin is not a valid bdst training checkpoint \(bad magic\)/);
    model.dispose();
  });

  it('names the bad argument before doing any work', async () => {
    const model = build();
    const ok = base();
    const cases: Array<[Partial<TrainOptions>, RegExp]> = [
      [{ epochs: 0 }, /Error in train: options.epochs must be an integer ≥ 1, but got 0/],
      [{ rng: undefined }, /Error in train: options.rng must be an Rng/],
      [{ batchSize: 2.5 }, /options.batchSize must be an integer ≥ 1, but got 2.5/],
      [{ lr: -1 }, /options.lr must be a finite number > 0, but got -1/],
      [{ momentum: 1 }, /options.momentum must be a number in \[0, 1\), but got 1/],
      [{ weightDecay: Number.NaN }, /options.weightDecay must be a finite number ≥ 0, but got NaN/],
      [{ schedule: { milestones: [5, 3], gamma: 0.1 } }, /options.schedule.milestones must be strictly increasing positive integers, but got \[5, 3\]/],
      [{ schedule: { milestones: [5], gamma: 0 } }, /options.schedule.gamma must be a finite number > 0, but got 0/],
      [{ signal: 'stop' as never }, /options.signal must be an AbortSignal/],
      [{ onEpochEnd: 3 as never }, /options.onEpochEnd must be a function/],
    ];
    for (const [patch, message] of cases) await expect(train(model, data, { ...ok, ...patch } as TrainOptions)).rejects.toThrow(message);

    const gray = syntheticDataset({ size: 4, seed: 1, height: 16, width: 16, channels: 1 });
    await expect(train(model, gray, ok)).rejects.toThrow(/Error in train: model input shape \[16, 16, 3\] does not match the dataset's image shape \[16, 16, 1\]/);
    const fiveClasses = new ImageDataset({ images: data.images, shape: data.shape, labels: data.labels.map((y) => y % 5), numClasses: 5 });
    await expect(train(model, fiveClasses, ok)).rejects.toThrow(/Error in train: model outputs 10 classes but dataset.numClasses is 5/);
    await expect(train(model, data.subset([]), ok)).rejects.toThrow(/Error in train: dataset must hold at least one image, but it is empty/);
    await expect(train(model, { images: data.images } as never, ok)).rejects.toThrow(/Error in train: dataset must be an ImageDataset/);
    await expect(train({} as never, data, ok)).rejects.toThrow(/Error in train: model must be a tf.LayersModel/);
    const aborted = new AbortController();
    aborted.abort();
    await expect(train(model, data, { ...ok, signal: aborted.signal })).rejects.toThrow(AbortError);
    model.dispose();
  });
});

describe('ImageDataset rejects bad training data, naming it', () => {
  it('images not [N, H, W, C], labels outside [0, numClasses), a split fraction outside (0, 1)', () => {
    const images = new Uint8Array(2 * 4 * 4 * 3);
    expect(() => new ImageDataset({ images, shape: [2, 4, 12] as never, labels: new Int32Array(2), numClasses: 10 })).toThrow(
      /ImageDataset: shape must be \[N, H, W, C\] with non-negative integers, got \[2,4,12\]/,
    );
    expect(() => new ImageDataset({ images, shape: [2, 4, 4, 3], labels: Int32Array.of(0, 10), numClasses: 10 })).toThrow(/ImageDataset: labels\[1\] = 10 is outside \[0, 10\)/);
    expect(() => data.split(1.5, createRng(0))).toThrow(/ImageDataset: split: fraction must be in \(0, 1\), got 1.5/);
    expect(() => data.split(Number.NaN, createRng(0))).toThrow(/fraction must be in \(0, 1\), got NaN/);
  });
});
