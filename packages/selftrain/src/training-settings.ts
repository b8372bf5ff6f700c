import type { Transform } from '@bdst/core';

/**
 * How one training phase runs (pretraining, each warm-start retraining, the final training from
 * scratch). The fields map one-to-one onto `@bdst/core`'s `train` options; defaults are the
 * paper's Section 5.1 values ("SGD optimizer with a momentum of 0.9 and a weight decay ratio of
 * 1 × 10⁻⁴", "batch size of 128").
 */
export interface TrainingSettings {
  /** Epochs (a positive integer). */
  epochs: number;
  /** Mini-batch size (default 128). */
  batchSize?: number;
  /** Initial learning rate (default 0.01). */
  lr?: number;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** Weight decay added to the gradient, PyTorch style (default 1e-4). */
  weightDecay?: number;
  /** Step schedule: multiply the learning rate by `gamma` at each epoch in `milestones`. */
  schedule?: { milestones: number[]; gamma: number };
  /**
   * Train-time augmentation (the paper: pad-4 random crop, horizontal flip and 2° rotation, i.e.
   * `standardTrainAugment` from `@bdst/augment`). `null` or omitted trains on the images as they are.
   */
  transform?: Transform | null;
  /**
   * Data-parallel replicas on worker threads for this phase (`@bdst/core`'s `train` option:
   * an integer ≥ 1; default the `BDST_REPLICAS` environment variable, else 1). Speed only: the
   * algorithm is unchanged, but BatchNorm statistics are then per shard, so results differ slightly.
   */
  replicas?: number;
}
