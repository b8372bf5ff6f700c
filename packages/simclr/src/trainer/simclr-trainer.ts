import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AbortError, ImageDataset, SgdMomentum, learningRateAt, readTrainCheckpoint, throwIfAborted, writeTrainCheckpoint } from '@bdst/core';
import type { Transform } from '@bdst/core';
import { simclrAugment } from '@bdst/augment';
import type { SimclrModel } from '../encoder/simclr-model.js';
import { embed } from '../embedding/embed.js';
import { knnAccuracy } from '../embedding/knn-accuracy.js';
import { contrastiveStep } from './contrastive-step.js';
import { PAPER_SIMCLR_DEFAULTS } from './simclr-fit-options.js';
import type { KnnMonitor, SimclrEpochReport, SimclrFitOptions, SimclrFitResult, SimclrSchedule } from './simclr-fit-options.js';

const FN = 'SimclrTrainer.fit';

/**
 * Trains a {@link SimclrModel} with SimCLR (Chen et al. 2020; the paper's Section 4.4 and 5.1):
 * every epoch, each batch of B images is augmented twice (two independent draws of `augment`),
 * both views go through encoder + projection head, and the NT-Xent loss (τ = 0.5) pulls each
 * image's two projections together and pushes them from the other 2B − 2; SGD + momentum +
 * weight decay ({@link SgdMomentum}, PyTorch semantics) updates every weight.
 *
 * Labels are never read (the k-NN monitor's sets aside), so it trains on D_L ∪ D_U alike.
 * Epoch e shuffles with `rng.fork('epoch-' + e).fork('shuffle')` and draws its views from
 * `….fork('view-1')` and `….fork('view-2')`, so a run is a pure function of the seed, and one
 * resumed from `checkpointDir` ends bit-identical to an uninterrupted one. A final batch of a
 * single image (no negatives) is skipped. Only one batch is on the backend at a time; every tensor
 * a step creates is disposed.
 *
 * ```ts
 * const model = createSimclrModel({ encoder: 'resnet18', inputShape: [32, 32, 3] });
 * const { history } = await new SimclrTrainer(model).fit(unionOfDlAndDu, { epochs: 1000, rng });
 * ```
 */
export class SimclrTrainer {
  /** The network being trained (weights change in place). */
  readonly model: SimclrModel;

  constructor(model: SimclrModel) {
    if (!model || !(model.network instanceof tfl.LayersModel) || !(model.encoder instanceof tfl.LayersModel)) {
      throw new Error(`Error in SimclrTrainer: model must be a SimclrModel (from createSimclrModel), but got ${String(model)}`);
    }
    this.model = model;
  }

  /**
   * Trains for `options.epochs` epochs in total (fewer when resuming) on `dataset`'s images.
   *
   * @throws Error naming the bad argument before any work; an `AbortError` between batches when
   *   `options.signal` fires.
   */
  async fit(dataset: ImageDataset, options: SimclrFitOptions): Promise<SimclrFitResult> {
    const o = resolveFitOptions(options);
    checkDatasetFor(this.model, dataset, 'dataset');
    if (dataset.length < 2) throw new Error(`Error in ${FN}: dataset must hold at least 2 images (each needs negatives), but has ${dataset.length}`);
    if (o.knnMonitor) {
      checkDatasetFor(this.model, o.knnMonitor.memory, 'options.knnMonitor.memory');
      checkDatasetFor(this.model, o.knnMonitor.query, 'options.knnMonitor.query');
    }
    throwIfAborted(o.signal, FN);
    const { network } = this.model;
    const optimizer = new SgdMomentum({ lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
    const settings = {
      kind: 'simclr', batchSize: o.batchSize, lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay,
      temperature: o.temperature, schedule: o.schedule ?? null, images: dataset.length,
    };
    let history: SimclrEpochReport[] = [];
    let resumedFromEpoch: number | null = null;
    try {
      if (o.checkpointDir !== undefined) {
        const checkpoint = await readTrainCheckpoint<SimclrEpochReport>(o.checkpointDir);
        if (checkpoint) {
          if (checkpoint.rng.seed !== o.rng.seed) {
            throw new Error(`Error in ${FN}: checkpointDir ${o.checkpointDir} holds a run with rng seed "${checkpoint.rng.seed}" but options.rng has seed "${o.rng.seed}"`);
          }
          for (const [key, value] of Object.entries(settings)) {
            if (JSON.stringify(checkpoint.settings[key]) !== JSON.stringify(value)) {
              throw new Error(`Error in ${FN}: checkpointDir ${o.checkpointDir} holds a run with ${key} ${JSON.stringify(checkpoint.settings[key])} but this run has ${JSON.stringify(value)}`);
            }
          }
          if (checkpoint.epoch > o.epochs) {
            throw new Error(`Error in ${FN}: checkpointDir ${o.checkpointDir} holds ${checkpoint.epoch} finished epochs but options.epochs is ${o.epochs}`);
          }
          checkpoint.restore(network, optimizer);
          history = checkpoint.history.slice();
          resumedFromEpoch = checkpoint.epoch;
        }
      }
      const initialKnnAccuracy = o.knnMonitor && resumedFromEpoch === null && o.knnMonitor.measureInitial !== false ? await this.measureKnn(o.knnMonitor, o.embedBatchSize) : null;

      const n = dataset.length;
      const batches = Math.ceil(n / o.batchSize) - (n % o.batchSize === 1 ? 1 : 0);
      for (let epoch = (resumedFromEpoch ?? 0) + 1; epoch <= o.epochs; epoch++) {
        optimizer.lr = scheduledRate(o.lr, o.schedule, epoch, o.epochs);
        const epochRng = o.rng.fork(`epoch-${epoch}`);
        const view1Rng = epochRng.fork('view-1');
        const view2Rng = epochRng.fork('view-2');
        const started = performance.now();
        const iterator = dataset.batches(o.batchSize, { rng: epochRng.fork('shuffle') });
        let lossSum = 0;
        let images = 0;
        let batch = 0;
        try {
          for (;;) {
            if (o.signal?.aborted) throw new AbortError(`${FN}: aborted by the signal in epoch ${epoch} before batch ${batch + 1} of ${batches}`);
            const next = iterator.next();
            if (next.done) break;
            const raw = next.value.images;
            const size = raw.shape[0];
            if (size < 2) {
              raw.dispose();
              continue;
            }
            let view1: tf.Tensor4D | undefined;
            let view2: tf.Tensor4D | undefined;
            let loss: number;
            try {
              view1 = o.augment(raw, view1Rng);
              view2 = o.augment(raw, view2Rng);
              loss = await contrastiveStep(network, optimizer, view1, view2, o.temperature);
            } finally {
              if (view1 !== raw) view1?.dispose();
              if (view2 !== raw) view2?.dispose();
              raw.dispose();
            }
            if (!Number.isFinite(loss)) throw new Error(`Error in ${FN}: the NT-Xent loss became ${loss} in epoch ${epoch}, batch ${batch + 1} (lower options.lr?)`);
            batch++;
            lossSum += loss * size;
            images += size;
            o.onBatchEnd?.({ epoch, batch, batches, loss });
            await tf.nextFrame();
          }
        } finally {
          iterator.return(undefined);
        }
        const monitor = o.knnMonitor;
        const measure = monitor !== undefined && (epoch % (monitor.every ?? 1) === 0 || epoch === o.epochs);
        const report: SimclrEpochReport = {
          epoch,
          loss: lossSum / images,
          lr: optimizer.lr,
          knnAccuracy: measure ? await this.measureKnn(monitor, o.embedBatchSize) : null,
          seconds: (performance.now() - started) / 1000,
          images,
        };
        history.push(report);
        if (o.checkpointDir !== undefined) {
          await writeTrainCheckpoint(o.checkpointDir, network, optimizer, { epoch, history, rng: o.rng.state(), settings });
        }
        o.onEpochEnd?.(report);
      }
      return { history, resumedFromEpoch, initialKnnAccuracy };
    } finally {
      optimizer.dispose();
    }
  }

  private async measureKnn(monitor: KnnMonitor, batchSize: number): Promise<number> {
    const memory = await embed(this.model, monitor.memory, { batchSize });
    const query = await embed(this.model, monitor.query, { batchSize });
    return knnAccuracy(memory, monitor.memory.labels, query, monitor.query.labels, { k: monitor.k ?? 20 });
  }
}

/** The learning rate of 1-based `epoch` of `epochs` under a {@link SimclrSchedule}. */
export function scheduledRate(lr: number, schedule: SimclrSchedule | undefined, epoch: number, epochs: number): number {
  if (schedule === 'cosine') return lr * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs));
  return learningRateAt(lr, schedule, epoch);
}

interface ResolvedFitOptions extends Required<Pick<SimclrFitOptions, 'epochs' | 'rng' | 'batchSize' | 'lr' | 'momentum' | 'weightDecay' | 'temperature' | 'embedBatchSize'>> {
  augment: Transform;
  schedule?: SimclrSchedule;
  signal?: AbortSignal;
  checkpointDir?: string;
  knnMonitor?: KnnMonitor;
  onBatchEnd?: SimclrFitOptions['onBatchEnd'];
  onEpochEnd?: SimclrFitOptions['onEpochEnd'];
}

function resolveFitOptions(options: SimclrFitOptions): ResolvedFitOptions {
  if (options === null || typeof options !== 'object') throw new Error(`Error in ${FN}: options must be an object { epochs, rng, … }, but got ${String(options)}`);
  const fail = (name: string, expected: string, got: unknown): never => {
    throw new Error(`Error in ${FN}: options.${name} must be ${expected}, but got ${typeof got === 'object' ? JSON.stringify(got) : String(got)}`);
  };
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SimclrFitOptions;
  const { batchSize, lr, momentum, weightDecay, temperature } = { ...PAPER_SIMCLR_DEFAULTS, ...defined };
  const { epochs, rng, embedBatchSize = 256 } = options;
  if (!Number.isInteger(epochs) || epochs < 1) fail('epochs', 'an integer ≥ 1', epochs);
  if (!rng || typeof rng.fork !== 'function' || typeof rng.seed !== 'string') fail('rng', 'an Rng (createRng(seed))', rng);
  if (!Number.isInteger(batchSize) || batchSize < 2) fail('batchSize', 'an integer ≥ 2', batchSize);
  if (!(typeof lr === 'number' && Number.isFinite(lr) && lr > 0)) fail('lr', 'a finite number > 0', lr);
  if (!(typeof momentum === 'number' && momentum >= 0 && momentum < 1)) fail('momentum', 'a number in [0, 1)', momentum);
  if (!(typeof weightDecay === 'number' && Number.isFinite(weightDecay) && weightDecay >= 0)) fail('weightDecay', 'a finite number ≥ 0', weightDecay);
  if (!(typeof temperature === 'number' && Number.isFinite(temperature) && temperature > 0)) fail('temperature', 'a finite number > 0', temperature);
  if (!Number.isInteger(embedBatchSize) || embedBatchSize < 1) fail('embedBatchSize', 'an integer ≥ 1', embedBatchSize);
  const { schedule } = options;
  if (schedule !== undefined && schedule !== 'cosine') {
    const s = schedule as { milestones?: unknown; gamma?: unknown } | null;
    const ok = s !== null && typeof s === 'object' && Array.isArray(s.milestones)
      && s.milestones.every((m, i, all) => Number.isInteger(m) && m >= 1 && (i === 0 || m > all[i - 1]))
      && typeof s.gamma === 'number' && Number.isFinite(s.gamma) && s.gamma > 0;
    if (!ok) fail('schedule', "'cosine' or { milestones: strictly increasing positive integers, gamma > 0 }", schedule);
  }
  const augment = options.augment ?? simclrAugment();
  if (typeof augment !== 'function') fail('augment', 'a Transform function', augment);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) fail('signal', 'an AbortSignal', options.signal);
  if (options.checkpointDir !== undefined && (typeof options.checkpointDir !== 'string' || options.checkpointDir.length === 0)) {
    fail('checkpointDir', 'a non-empty directory path', options.checkpointDir);
  }
  for (const name of ['onBatchEnd', 'onEpochEnd'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') fail(name, 'a function', options[name]);
  }
  const monitor = options.knnMonitor;
  if (monitor !== undefined) {
    if (monitor === null || typeof monitor !== 'object') fail('knnMonitor', 'an object { memory, query, k?, every? }', monitor);
    if (monitor.k !== undefined && (!Number.isInteger(monitor.k) || monitor.k < 1)) fail('knnMonitor.k', 'an integer ≥ 1', monitor.k);
    if (monitor.every !== undefined && (!Number.isInteger(monitor.every) || monitor.every < 1)) fail('knnMonitor.every', 'an integer ≥ 1', monitor.every);
  }
  return {
    epochs, rng, batchSize, lr, momentum, weightDecay, temperature, embedBatchSize, augment, schedule,
    signal: options.signal, checkpointDir: options.checkpointDir, knnMonitor: monitor,
    onBatchEnd: options.onBatchEnd, onEpochEnd: options.onEpochEnd,
  };
}

function checkDatasetFor(model: SimclrModel, dataset: ImageDataset, name: string): void {
  if (!(dataset instanceof ImageDataset)) throw new Error(`Error in ${FN}: ${name} must be an ImageDataset, but got ${String(dataset)}`);
  const inShape = model.network.inputs[0].shape;
  const [, h, w, c] = dataset.shape;
  if (inShape[1] !== h || inShape[2] !== w || inShape[3] !== c) {
    throw new Error(`Error in ${FN}: the model's input shape [${inShape.slice(1)}] does not match ${name}'s image shape [${h}, ${w}, ${c}]`);
  }
}
