import type { BackendChoice } from '@bdst/core';

/**
 * What an experiment reproduces:
 * - `'table1-pilot'`: Table 1, vanilla self-training (no T) with pseudo-labels on D_U or on
 *   D_L ∪ D_U, with a clean or a poisoned D_U (Section 4.1);
 * - `'table2'`: one row of Table 2, the pretrained model, the semi-supervised baseline (no T) and
 *   the proposed method (Algorithm 1, T = RCS0.5+VFlip) (Section 5.2.1);
 * - `'table3-simclr'`: Table 3, self-training with SimCLR + K-Means (Algorithm 2, Section 5.2.2);
 * - `'figure1-screen'`: Figure 1, SA/ASR of poisoned models under each test-time augmentation (Section 4.2).
 */
export type ExperimentKind = 'table1-pilot' | 'table2' | 'table3-simclr' | 'figure1-screen';

/** Every {@link ExperimentKind}. */
export const EXPERIMENT_KINDS: readonly ExperimentKind[] = ['table1-pilot', 'table2', 'table3-simclr', 'figure1-screen'];

/**
 * The datasets an experiment can run on: `'cifar10'` (the paper's, 20% labeled), `'cifar10+tinyimages'`
 * (all of CIFAR-10 labeled, the 500K TinyImages set unlabeled), `'fashion-mnist'` (real data that is
 * installed on this machine) and `'synthetic'` (no download; `syntheticDataset` of `@bdst/core`).
 */
export type DatasetName = 'synthetic' | 'fashion-mnist' | 'cifar10' | 'cifar10+tinyimages';

/** Every {@link DatasetName}. */
export const DATASET_NAMES: readonly DatasetName[] = ['synthetic', 'fashion-mnist', 'cifar10', 'cifar10+tinyimages'];

/** Where the data come from and how they are split into D_L and D_U (Section 5.1, "Datasets and networks"). */
export interface DatasetConfig {
  /** Which dataset. */
  name: DatasetName;
  /** Directory of the Fashion-MNIST IDX files or the CIFAR-10 binary batches (default: Fashion-MNIST's Debian path). */
  dir?: string;
  /** `ti_500K_pseudo_labeled.pickle`, required for `'cifar10+tinyimages'`. */
  tinyImagesPath?: string;
  /**
   * Use only this many training images (a random subset drawn from the seed), to size a run for a
   * CPU; omitted or null: all of them.
   */
  trainSize?: number | null;
  /** Use only this many test images (random subset); omitted or null: all. */
  testSize?: number | null;
  /** Size of the unlabeled set when it is separate (TinyImages, or synthetic with `separateUnlabeled`); null: all 500K. */
  unlabeledSize?: number | null;
  /** Fraction of the training set that is labeled (D_L); the rest is D_U. Paper: 0.2 (Section 5.1). Ignored with a separate unlabeled set. */
  labeledFraction: number;
  /** Synthetic only: image side in pixels (≥ 16; default 32). */
  imageSize?: number;
  /** Synthetic only: 1 (gray) or 3 (RGB, default). */
  channels?: 1 | 3;
  /** Synthetic only: draw D_U as a separate set of `unlabeledSize` images, as TinyImages is (default false). */
  separateUnlabeled?: boolean;
}

/**
 * The three backdoor attacks of Section 5.1: BadNets with a gray-scale or an RGB 5×5 trigger in
 * the lower right corner, and the clean-label attack (10-step PGD, ε = 8/255, α = 2/255, then the
 * gray-scale trigger).
 */
export type AttackKind = 'badnets-gray' | 'badnets-rgb' | 'clean-label';

/** Every {@link AttackKind}. */
export const ATTACK_KINDS: readonly AttackKind[] = ['badnets-gray', 'badnets-rgb', 'clean-label'];

/** How D_L and D_U are poisoned (Section 3's threat model, Section 5.1, Table 2). */
export interface AttackConfig {
  /** Which attack. */
  kind: AttackKind;
  /** The target label y_t (paper: "the target label is always taken as 1"). */
  targetLabel: number;
  /** Trigger side in pixels (paper: 5). */
  triggerSize: number;
  /**
   * γ(D_L): BadNets — the fraction of D_L poisoned (paper: 0.1); clean-label — the fraction of the
   * target class poisoned (paper: 0.5, i.e. 5% of CIFAR-10).
   */
  labeledRatio: number;
  /** γ(D_U), Table 2's column (0 = a clean D_U); for clean-label, a fraction of D_U's target class. */
  unlabeledRatio: number;
  /** Clean-label only: training of the clean model PGD attacks (paper: ResNet-18 trained on clean data). */
  cleanModel?: TrainingConfig;
}

/** The classifiers: the paper's `vgg16` (CIFAR-10) and `resnet18` (CIFAR-10 + TinyImages), or bdst's `smallCnn` for CPUs. */
export type ModelName = 'smallCnn' | 'vgg16' | 'resnet18';

/** Every {@link ModelName}. */
export const MODEL_NAMES: readonly ModelName[] = ['smallCnn', 'vgg16', 'resnet18'];

/** The classifier an experiment trains. */
export interface ModelConfig {
  /** Architecture. */
  name: ModelName;
  /** `smallCnn` only: channels of its three stages (default [16, 32, 64]). */
  widths?: [number, number, number];
}

/** One supervised training phase (`train` of `@bdst/core`); defaults are Section 5.1's. */
export interface TrainingConfig {
  /** Epochs, ≥ 1. */
  epochs: number;
  /** Mini-batch size (paper: 128). */
  batchSize: number;
  /** Initial learning rate. */
  lr: number;
  /** SGD momentum (paper: 0.9). */
  momentum: number;
  /** Weight decay (paper: 1e-4). */
  weightDecay: number;
  /** Epochs at which the learning rate is multiplied by `gamma` (paper: [100] for CIFAR-10 pretraining). */
  milestones: number[];
  /** Learning-rate decay factor (paper: 0.5 on CIFAR-10, 0.1 with TinyImages). */
  gamma: number;
  /**
   * Train-time augmentation: `'standard'` is Section 5.1's pad-4 crop, horizontal flip and 2°
   * rotation (`standardTrainAugment`); `'none'` trains on the images as they are.
   */
  augment: 'standard' | 'none';
}

/** Algorithm 1's parameters and its three training phases. */
export interface SelfTrainConfig {
  /** N, the number of iterations (paper: 4). */
  iterations: number;
  /** k, the fraction of D_UL added per iteration (paper: 0.3). */
  fractionPerIteration: number;
  /** T, the strong augmentation, as a `parseAugmentation` name (paper: `'RCS0.5+VFlip'`). */
  transform: string;
  /** Supervised pretraining on D_L (paper: 200 epochs). */
  pretrain: TrainingConfig;
  /** Each warm-start retraining on D_n (paper: 150 epochs on CIFAR-10, 110 with TinyImages). */
  retrain: TrainingConfig;
  /** The final training from scratch on D_N (paper: 300 epochs on CIFAR-10, 250 with TinyImages). */
  final: TrainingConfig;
}

/** One row of Table 1: where pseudo-labels go, and γ(D_U). */
export interface PilotVariant {
  /** `'unlabeled'` (D_U) or `'labeled+unlabeled'` (D_L ∪ D_U). */
  pseudoLabelOn: 'unlabeled' | 'labeled+unlabeled';
  /** γ(D_U): 0 is the table's "Clean". */
  unlabeledRatio: number;
}

/** Table 1's rows (Section 4.1). */
export interface PilotConfig {
  /** The rows to run (paper: the four combinations of D_U / D_L ∪ D_U and clean / 0.1). */
  variants: PilotVariant[];
}

/** SimCLR pretraining of Algorithm 2 (Section 5.1, "SimCLR training"). */
export interface SimclrConfig {
  /** Epochs (paper: 1000). */
  epochs: number;
  /** Batch size (paper: 512). */
  batchSize: number;
  /** Learning rate (paper: 0.6). */
  lr: number;
  /** SGD momentum (paper: 0.9). */
  momentum: number;
  /** Weight decay (paper: 1e-6). */
  weightDecay: number;
  /** NT-Xent temperature (paper: 0.5). */
  temperature: number;
  /** Output dimension of the projection head (paper: 128). */
  projectionDim: number;
}

/** Figure 1's screen (Section 4.2). */
export interface ScreenConfig {
  /** The attacks whose poisoned models are screened (paper: the three). */
  attacks: AttackKind[];
  /** Augmentation names (`parseAugmentation` grammar, plus the averaged `GNoise` and `YOCO(x)`). */
  augmentations: string[];
  /** Draws averaged for each stochastic augmentation (paper: 6). */
  draws: number;
  /**
   * A model saved with `saveModel` (e.g. a run's `checkpoints/pretrain/model`) to screen instead of
   * training one; needs exactly one attack (the one the model was poisoned with).
   */
  modelDir?: string;
}

/**
 * One experiment, fully specified: what `bdst run` executes and writes to `results.json`. Presets
 * build one (`resolvePreset`), a JSON file can give one (checked by `validateExperimentConfig`).
 */
export interface ExperimentConfig {
  /** A short name, used in reports. */
  name: string;
  /** What the experiment reproduces. */
  kind: ExperimentKind;
  /** One line on what the experiment is. */
  description: string;
  /** Seed of every random choice (split, poisoning, initialisation, shuffling, augmentation). */
  seed: number;
  /** The compute backend (`initBackend`'s choice); default `'auto'`. */
  backend: BackendChoice;
  /** The data. */
  dataset: DatasetConfig;
  /** The attack. */
  attack: AttackConfig;
  /** The classifier. */
  model: ModelConfig;
  /** Algorithm 1's settings (also the pretraining of the Figure 1 screen and Algorithm 2's training). */
  selfTrain: SelfTrainConfig;
  /** Table 1's rows (kind `'table1-pilot'`). */
  pilot?: PilotConfig;
  /** SimCLR settings (kind `'table3-simclr'`). */
  simclr?: SimclrConfig;
  /** The augmentation screen (kind `'figure1-screen'`). */
  screen?: ScreenConfig;
}
