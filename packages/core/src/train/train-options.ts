import type { Transform } from '../dataset/transform.js';
import type { Rng } from '../rng/rng.js';
import { checkLrSchedule, type LrSchedule } from './lr-schedule.js';
import { resolveReplicaCount } from './replica-count.js';

/**
 * The paper's supervised training hyper-parameters (Section 5.1, "Training and evaluation" and
 * "Pretraining"): "We use a SGD optimizer with a momentum of 0.9 and a weight decay ratio of
 * 1×10−4." "We train the models on the labeled dataset for 200 epochs with a batch size of 128.
 * For CIFAR-10, the initial learning rate is 0.01 which is decayed by 0.5 at epoch 100."
 */
export const PAPER_TRAIN_DEFAULTS = {
  batchSize: 128,
  lr: 0.01,
  momentum: 0.9,
  weightDecay: 1e-4,
} as const;

/** Passed to {@link TrainOptions.onBatchEnd} after every optimizer step. */
export interface BatchEndInfo {
  /** 1-based epoch. */
  epoch: number;
  /** 1-based batch index within the epoch. */
  batch: number;
  /** Batches per epoch (ceil(N / batchSize)). */
  batches: number;
  /** Mean cross-entropy of this batch (before the update). */
  loss: number;
}

/** What happened in one epoch of {@link train}. */
export interface EpochReport {
  /** 1-based epoch. */
  epoch: number;
  /** Mean training cross-entropy over the epoch's samples (train mode, augmented). */
  loss: number;
  /** Training accuracy in [0, 1] over the epoch (train mode, augmented, before each update). */
  accuracy: number;
  /** Learning rate used in this epoch. */
  lr: number;
  /** Wall time of the epoch's training, in seconds (checkpoint writing excluded). */
  seconds: number;
  /** Images seen in the epoch (= dataset length). */
  images: number;
}

/** Options of {@link train}; defaults are the paper's ({@link PAPER_TRAIN_DEFAULTS}). */
export interface TrainOptions {
  /** Number of epochs to train (total, counting epochs restored from a checkpoint), ≥ 1. Paper: 200. */
  epochs: number;
  /** Shuffling and augmentation draw from `rng.fork('epoch-' + e)` for epoch e. */
  rng: Rng;
  /** Mini-batch size, ≥ 1. Default 128. The last batch of an epoch may be smaller. */
  batchSize?: number;
  /** Initial learning rate, > 0. Default 0.01. */
  lr?: number;
  /** SGD momentum in [0, 1). Default 0.9. */
  momentum?: number;
  /** Weight decay added to the gradient, ≥ 0. Default 1e-4. */
  weightDecay?: number;
  /** Step schedule (`MultiStepLR`); default none (constant lr). Paper: `{ milestones: [100], gamma: 0.5 }`. */
  schedule?: LrSchedule;
  /** Train-time augmentation applied to each batch; default null (none). Paper: crop(4)+flip+rot(2°). */
  transform?: Transform | null;
  /** Stops training between batches with an `AbortError`; the last epoch's checkpoint stays. */
  signal?: AbortSignal;
  /**
   * Directory for `train-checkpoint.bin`, rewritten atomically after every epoch (weights,
   * optimizer momentum, epoch, history, rng state); a run given a directory holding a checkpoint
   * resumes from it, bit-identically to an uninterrupted run.
   */
  checkpointDir?: string;
  /**
   * Data-parallel replicas, an integer ≥ 1 (default: the `BDST_REPLICAS` environment variable,
   * else 1). With R ≥ 2 each batch is split into R contiguous shards computed concurrently — shard
   * 0 on the calling thread, the others on R − 1 `worker_threads` replicas of the model, each on
   * its own single-threaded backend — and their gradients are combined weighted by shard size
   * before one optimizer step (`ReplicaPool` of @bdst/core). This uses R cores where the WASM
   * kernels use one; R = the number of cores is the useful maximum (with
   * `initBackend({ threads: 1 })`: each replica is single-threaded, and more WASM threads on the
   * calling thread would compete with the workers for the same cores).
   *
   * Same expectation as R = 1: without BatchNorm the step is the full-batch step up to float
   * rounding; with BatchNorm each shard is normalized with its own batch statistics (as in
   * PyTorch DistributedDataParallel without SyncBatchNorm) and the moving statistics are the
   * shard-size-weighted mean of the replicas'. Deterministic for a fixed seed and R (a checkpoint
   * resumed with the same R is bit-identical; with another R training continues correctly but
   * not bit-identically). Augmentation and batch assembly stay on the calling thread.
   *
   * Needs the 'wasm' or 'cpu' backend: on native TensorFlow (which already uses every core)
   * `replicas` > 1 is refused with an error, and a `BDST_REPLICAS` default is ignored.
   */
  replicas?: number;
  /** Called after every batch. */
  onBatchEnd?: (info: BatchEndInfo) => void;
  /** Called after every epoch (after its checkpoint is written). */
  onEpochEnd?: (report: EpochReport) => void;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** One report per epoch, epochs restored from a checkpoint included. */
  history: EpochReport[];
  /** The epoch the run resumed after (from `checkpointDir`), or null for a fresh run. */
  resumedFromEpoch: number | null;
}

/** {@link TrainOptions} with defaults filled in. */
export type ResolvedTrainOptions = Required<Pick<TrainOptions, 'epochs' | 'rng' | 'batchSize' | 'lr' | 'momentum' | 'weightDecay'>> &
  Pick<TrainOptions, 'schedule' | 'signal' | 'checkpointDir' | 'onBatchEnd' | 'onEpochEnd'> & {
    transform: Transform | null;
    /** Data-parallel replicas, ≥ 1. */
    replicas: number;
    /** Whether `replicas` came from `BDST_REPLICAS` (then ignored on native TensorFlow) rather than the option. */
    replicasFromEnv: boolean;
  };

/** Checks {@link TrainOptions} (throws `Error in train: options.<name> …`) and fills in defaults. */
export function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  if (options === null || typeof options !== 'object') throw new Error(`Error in train: options must be an object { epochs, rng, … }, but got ${String(options)}`);
  const fail = (name: string, expected: string, got: unknown): never => {
    throw new Error(`Error in train: options.${name} must be ${expected}, but got ${typeof got === 'object' ? JSON.stringify(got) : String(got)}`);
  };
  const { epochs, rng } = options;
  const { batchSize, lr, momentum, weightDecay } = { ...PAPER_TRAIN_DEFAULTS, ...stripUndefined(options) };
  if (!Number.isInteger(epochs) || epochs < 1) fail('epochs', 'an integer ≥ 1', epochs);
  if (!rng || typeof rng.fork !== 'function' || typeof rng.seed !== 'string') fail('rng', 'an Rng (createRng(seed))', rng);
  if (!Number.isInteger(batchSize) || batchSize < 1) fail('batchSize', 'an integer ≥ 1', batchSize);
  if (!(typeof lr === 'number' && Number.isFinite(lr) && lr > 0)) fail('lr', 'a finite number > 0', lr);
  if (!(typeof momentum === 'number' && momentum >= 0 && momentum < 1)) fail('momentum', 'a number in [0, 1)', momentum);
  if (!(typeof weightDecay === 'number' && Number.isFinite(weightDecay) && weightDecay >= 0)) fail('weightDecay', 'a finite number ≥ 0', weightDecay);
  checkLrSchedule('train', options.schedule);
  const transform = options.transform ?? null;
  if (transform !== null && typeof transform !== 'function') fail('transform', 'a Transform function or null', transform);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) fail('signal', 'an AbortSignal', options.signal);
  if (options.checkpointDir !== undefined && (typeof options.checkpointDir !== 'string' || options.checkpointDir.length === 0)) {
    fail('checkpointDir', 'a non-empty directory path', options.checkpointDir);
  }
  const { replicas, fromEnv: replicasFromEnv } = resolveReplicaCount('train', options.replicas);
  for (const name of ['onBatchEnd', 'onEpochEnd'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') fail(name, 'a function', options[name]);
  }
  return {
    epochs, rng, batchSize, lr, momentum, weightDecay, transform, replicas, replicasFromEnv,
    schedule: options.schedule, signal: options.signal, checkpointDir: options.checkpointDir,
    onBatchEnd: options.onBatchEnd, onEpochEnd: options.onEpochEnd,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
