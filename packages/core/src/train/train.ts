import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageDataset } from '../dataset/image-dataset.js';
import { AbortError, throwIfAborted } from './abort-error.js';
import { learningRateAt } from './lr-schedule.js';
import { checkModelForDataset } from './model-dataset-check.js';
import { replicasOnBackend } from './replica-count.js';
import { ReplicaPool } from './replica-pool.js';
import { SgdMomentum } from './sgd-momentum.js';
import { readTrainCheckpoint, writeTrainCheckpoint } from './train-checkpoint.js';
import { resolveTrainOptions, type EpochReport, type TrainOptions, type TrainResult } from './train-options.js';
import { trainStep } from './train-step.js';

/**
 * Trains a classifier on a labelled dataset with softmax cross-entropy and SGD + momentum + weight
 * decay ({@link SgdMomentum}) under an optional step schedule — the paper's supervised
 * (pre)training (Section 5.1; defaults {@link PAPER_TRAIN_DEFAULTS}). Also the inner loop of
 * self-training (Algorithm 1, step 5) on the labelled + pseudo-labelled set.
 *
 * Each epoch shuffles with `rng.fork('epoch-' + e).fork('shuffle')` and augments with
 * `….fork('transform')`, so the run is a pure function of the seed: a run resumed from
 * `checkpointDir` after epoch e ends bit-identical to an uninterrupted one. Batches live on the
 * backend one at a time; every batch tensor and gradient is disposed, so the tensor count is the
 * same after every epoch, and after the call as before it.
 *
 * Modifies `model`'s weights in place (BatchNorm moving statistics included).
 *
 * With `options.replicas` R ≥ 2, each batch's step is split over R data-parallel replicas on
 * worker threads ({@link ReplicaPool}); the workers start after the checkpoint is read and are
 * terminated when the call returns or throws (abort included).
 *
 * @throws Error naming the bad argument before any work; an `AbortError` (name 'AbortError')
 *   between batches when `options.signal` fires.
 */
export async function train(model: tfl.LayersModel, dataset: ImageDataset, options: TrainOptions): Promise<TrainResult> {
  const o = resolveTrainOptions(options);
  checkModelForDataset('train', model, dataset, true);
  if (dataset.length === 0) throw new Error('Error in train: dataset must hold at least one image, but it is empty');
  throwIfAborted(o.signal, 'train');
  const replicas = replicasOnBackend('train', { replicas: o.replicas, fromEnv: o.replicasFromEnv }, tf.getBackend());

  const optimizer = new SgdMomentum({ lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
  const settings = { batchSize: o.batchSize, lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay, schedule: o.schedule ?? null, images: dataset.length };
  let history: EpochReport[] = [];
  let resumedFromEpoch: number | null = null;
  let pool: ReplicaPool | null = null;
  try {
    if (o.checkpointDir !== undefined) {
      const checkpoint = await readTrainCheckpoint<EpochReport>(o.checkpointDir);
      if (checkpoint) {
        if (checkpoint.rng.seed !== o.rng.seed) {
          throw new Error(`Error in train: checkpointDir ${o.checkpointDir} holds a run with rng seed "${checkpoint.rng.seed}" but options.rng has seed "${o.rng.seed}"`);
        }
        for (const [key, value] of Object.entries(settings)) {
          if (JSON.stringify(checkpoint.settings[key]) !== JSON.stringify(value)) {
            throw new Error(`Error in train: checkpointDir ${o.checkpointDir} holds a run with ${key} ${JSON.stringify(checkpoint.settings[key])} but this run has ${JSON.stringify(value)}`);
          }
        }
        if (checkpoint.epoch > o.epochs) {
          throw new Error(`Error in train: checkpointDir ${o.checkpointDir} holds ${checkpoint.epoch} finished epochs but options.epochs is ${o.epochs}`);
        }
        checkpoint.restore(model, optimizer);
        history = checkpoint.history.slice();
        resumedFromEpoch = checkpoint.epoch;
      }
    }

    const n = dataset.length;
    const batches = Math.ceil(n / o.batchSize);
    if (replicas > 1 && (resumedFromEpoch ?? 0) < o.epochs) pool = await ReplicaPool.start({ model, optimizer, replicas });
    for (let epoch = (resumedFromEpoch ?? 0) + 1; epoch <= o.epochs; epoch++) {
      optimizer.lr = learningRateAt(o.lr, o.schedule, epoch);
      const epochRng = o.rng.fork(`epoch-${epoch}`);
      const started = performance.now();
      const iterator = dataset.batches(o.batchSize, { rng: epochRng.fork('shuffle'), transform: o.transform, transformRng: epochRng.fork('transform') });
      let lossSum = 0;
      let correct = 0;
      let batch = 0;
      try {
        for (;;) {
          if (o.signal?.aborted) throw new AbortError(`train: aborted by the signal in epoch ${epoch} before batch ${batch + 1} of ${batches}`);
          const next = iterator.next();
          if (next.done) break;
          const { images, labels } = next.value;
          let step;
          try {
            step = pool ? await pool.step(images, labels) : await trainStep(model, optimizer, images, labels);
          } finally {
            images.dispose();
          }
          batch++;
          lossSum += step.loss * labels.length;
          correct += step.correct;
          o.onBatchEnd?.({ epoch, batch, batches, loss: step.loss });
          await tf.nextFrame(); // let timers and signal handlers run between batches
        }
      } finally {
        iterator.return(undefined);
      }
      const report: EpochReport = {
        epoch,
        loss: lossSum / n,
        accuracy: correct / n,
        lr: optimizer.lr,
        seconds: (performance.now() - started) / 1000,
        images: n,
      };
      history.push(report);
      if (o.checkpointDir !== undefined) {
        await writeTrainCheckpoint(o.checkpointDir, model, optimizer, { epoch, history, rng: o.rng.state(), settings });
      }
      o.onEpochEnd?.(report);
    }
    return { history, resumedFromEpoch };
  } finally {
    await pool?.terminate();
    optimizer.dispose();
  }
}
