import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ImageDataset, loadModel, saveModel, train, writeFileAtomic } from '@bdst/core';
import type { Rng } from '@bdst/core';
import type { TrainingSettings } from '@bdst/selftrain';
import type { ExperimentConfig } from '../config/experiment-config.js';
import type { ExperimentProgress } from './progress.js';

/**
 * What every part of a run shares: the config, the root random stream, where checkpoints go, the
 * progress sink and the stop signal. Parts that finish leave a checkpoint (a model, or a JSON
 * result) under `checkpointDir`, so a killed run started again with the same directory skips them.
 */
export class RunContext {
  /** The run's config. */
  readonly config: ExperimentConfig;
  /** The root stream; parts fork it by name, so each part's randomness does not depend on the others. */
  readonly rng: Rng;
  /** Checkpoint directory (created on first use). */
  readonly checkpointDir: string;
  /** Progress sink. */
  readonly progress: ExperimentProgress;
  /** Stops training between batches. */
  readonly signal: AbortSignal | undefined;

  constructor(options: { config: ExperimentConfig; rng: Rng; checkpointDir: string; progress: ExperimentProgress; signal?: AbortSignal }) {
    this.config = options.config;
    this.rng = options.rng;
    this.checkpointDir = options.checkpointDir;
    this.progress = options.progress;
    this.signal = options.signal;
  }

  /** The checkpoint sub-directory of a part (e.g. `"pretrain"`, `"proposed"`). */
  dir(part: string): string {
    return join(this.checkpointDir, part.replace(/[^A-Za-z0-9._-]+/g, '_'));
  }

  /**
   * Runs `compute` once: its JSON result is saved as `<part>.json` and returned from there by later
   * (resumed) runs.
   */
  async once<T>(part: string, compute: () => Promise<T>): Promise<T> {
    const file = `${this.dir(part)}.json`;
    if (existsSync(file)) {
      this.progress.note(`${part}: done in an earlier run, read from its checkpoint`);
      return JSON.parse(await readFile(file, 'utf8')) as T;
    }
    const result = await compute();
    await mkdir(this.checkpointDir, { recursive: true });
    await writeFileAtomic(file, JSON.stringify(result));
    return result;
  }

  /**
   * Trains `createModel(rng)` on `dataset` with `settings`, checkpointing every epoch under the
   * part's directory, and keeps the trained model there; a later run loads it instead of training.
   * The caller owns the returned model.
   */
  async trainedModel(part: string, createModel: (rng: Rng) => LayersModel, dataset: ImageDataset, settings: TrainingSettings): Promise<LayersModel> {
    const dir = this.dir(part);
    const modelDir = join(dir, 'model');
    if (existsSync(join(modelDir, 'model.json'))) {
      this.progress.note(`${part}: trained in an earlier run, loaded from its checkpoint`);
      return loadModel(modelDir);
    }
    const model = createModel(this.rng.fork(`${part}/init`));
    const epochs = settings.epochs;
    this.progress.phaseStart({ phase: part, epochs });
    await train(model, dataset, {
      epochs,
      batchSize: settings.batchSize,
      lr: settings.lr,
      momentum: settings.momentum,
      weightDecay: settings.weightDecay,
      schedule: settings.schedule,
      transform: settings.transform ?? null,
      rng: this.rng.fork(`${part}/train`),
      signal: this.signal,
      checkpointDir: join(dir, 'train'),
      onBatchEnd: (info) => this.progress.batch({ phase: part, epochs, ...info }),
      onEpochEnd: (r) => this.progress.epoch({ phase: part, epoch: r.epoch, epochs, loss: r.loss, accuracy: r.accuracy, seconds: r.seconds }),
    });
    // Save beside, then rename: a run killed while saving never leaves a half-written model.
    const partial = `${modelDir}.partial`;
    await rm(partial, { recursive: true, force: true });
    await saveModel(model, partial);
    await rename(partial, modelDir);
    return model;
  }
}
