import type { ImageDataset, LrSchedule, Rng, Transform } from '@bdst/core';

/**
 * The paper's SimCLR training hyper-parameters (Section 5.1): "NT-Xent loss (with a temperature
 * parameter of 0.5) … using SGD with a 0.6 learning rate, a momentum of 0.9 and a weight decay
 * ratio of 1 × 10⁻⁶. This is trained for 1000 epochs with a batch size of 512".
 */
export const PAPER_SIMCLR_DEFAULTS = {
  epochs: 1000,
  batchSize: 512,
  lr: 0.6,
  momentum: 0.9,
  weightDecay: 1e-6,
  temperature: 0.5,
} as const;

/**
 * A per-epoch learning-rate schedule for SimCLR: a step schedule (`MultiStepLR`, as `train`
 * takes) or `'cosine'`: `lr · ½(1 + cos(π (e − 1) / E))` in epoch e of E (cosine annealing
 * without restarts, stepped per epoch, as SimCLR's CIFAR-10 runs use). The paper names none.
 */
export type SimclrSchedule = LrSchedule | 'cosine';

/** The optional k-NN monitor of {@link SimclrFitOptions.knnMonitor}. */
export interface KnnMonitor {
  /** Labelled reference images (the k-NN memory), e.g. a clean labelled probe set. */
  memory: ImageDataset;
  /** Labelled images classified by their neighbours in `memory`; accuracy is reported. */
  query: ImageDataset;
  /** Voting neighbours (default 20). */
  k?: number;
  /** Measure after every `every`-th epoch and after the last (default 1: every epoch). */
  every?: number;
  /** Also measure before training (epoch 0) and report it as {@link SimclrFitResult.initialKnnAccuracy}. Default true. */
  measureInitial?: boolean;
}

/** Passed to {@link SimclrFitOptions.onBatchEnd} after every optimizer step. */
export interface SimclrBatchInfo {
  /** 1-based epoch. */
  epoch: number;
  /** 1-based batch within the epoch. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** NT-Xent loss of the batch (before the update). */
  loss: number;
}

/** What happened in one SimCLR epoch. */
export interface SimclrEpochReport {
  /** 1-based epoch. */
  epoch: number;
  /** Mean NT-Xent loss over the epoch's batches, weighted by batch size. */
  loss: number;
  /** Learning rate of the epoch. */
  lr: number;
  /** k-NN accuracy of the embeddings after the epoch, or null when not measured. */
  knnAccuracy: number | null;
  /** Wall time of the epoch (training and the k-NN monitor; checkpoint writing excluded), seconds. */
  seconds: number;
  /** Images trained on in the epoch (each seen in two views). */
  images: number;
}

/** Options of {@link SimclrTrainer.fit}; defaults are the paper's ({@link PAPER_SIMCLR_DEFAULTS}). */
export interface SimclrFitOptions {
  /** Epochs in total (counting epochs restored from a checkpoint), ≥ 1. Paper: 1000. */
  epochs: number;
  /** Shuffling and the two views draw from `rng.fork('epoch-' + e)` for epoch e. */
  rng: Rng;
  /** Images per batch (each gives two views, so 2·batchSize go through the network), ≥ 2. Default 512. */
  batchSize?: number;
  /** Initial learning rate, > 0. Default 0.6. */
  lr?: number;
  /** SGD momentum in [0, 1). Default 0.9. */
  momentum?: number;
  /** Weight decay added to the gradient, ≥ 0. Default 1e-6. */
  weightDecay?: number;
  /** NT-Xent temperature τ > 0. Default 0.5. */
  temperature?: number;
  /** The stochastic augmentation that makes each view. Default `simclrAugment()` (Chen et al.'s CIFAR-10 set, `@bdst/augment`). */
  augment?: Transform;
  /** Learning-rate schedule; default none (constant `lr`; the paper names none). */
  schedule?: SimclrSchedule;
  /** Stops training between batches with an `AbortError`; the last epoch's checkpoint stays. */
  signal?: AbortSignal;
  /**
   * Directory for the checkpoint (`train-checkpoint.bin`: weights, optimizer momentum, epoch,
   * history, rng state), rewritten atomically after every epoch; a fit given a directory holding
   * a checkpoint resumes from it, bit-identically to an uninterrupted run.
   */
  checkpointDir?: string;
  /** Batch size of the k-NN monitor's forward passes (default 256). */
  embedBatchSize?: number;
  /** Reports k-NN accuracy of the embeddings per epoch (the datasets' labels are read only here). */
  knnMonitor?: KnnMonitor;
  /** Called after every batch. */
  onBatchEnd?: (info: SimclrBatchInfo) => void;
  /** Called after every epoch (after its checkpoint is written). */
  onEpochEnd?: (report: SimclrEpochReport) => void;
}

/** What {@link SimclrTrainer.fit} returns. */
export interface SimclrFitResult {
  /** One report per epoch, restored ones included. */
  history: SimclrEpochReport[];
  /** The epoch the fit resumed after, or null for a fresh fit. */
  resumedFromEpoch: number | null;
  /** k-NN accuracy before the first epoch of this fit (null without a monitor or when resumed). */
  initialKnnAccuracy: number | null;
}
