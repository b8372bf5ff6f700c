import { paperPresets } from '@bdst/selftrain';
import type { SelfTrainPreset } from '@bdst/selftrain';
import type { SimclrEncoderName } from './encoder/simclr-model.js';
import type { SimclrSchedule } from './trainer/simclr-fit-options.js';

/** A complete Algorithm 2 configuration: the SimCLR stage and the self-training that follows it. */
export interface SimclrPreset {
  /** Preset name. */
  readonly name: string;
  /** The SimCLR network: base encoder, head sizes (`createSimclrModel`). */
  readonly model: {
    readonly encoder: SimclrEncoderName;
    /** smallCnn stage widths, when `encoder` is `'smallCnn'`. */
    readonly widths?: readonly [number, number, number];
    readonly projectionDim: number;
    /** Head hidden width; absent = the encoder's feature size. */
    readonly hiddenDim?: number;
  };
  /** SimCLR training (`SimclrTrainer.fit`), without the augmentation (default `simclrAugment()`). */
  readonly fit: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly lr: number;
    readonly momentum: number;
    readonly weightDecay: number;
    readonly temperature: number;
    readonly schedule?: SimclrSchedule;
  };
  /** The classifier and the self-training stage (N, k, pretrain / retrain / final) from `@bdst/selftrain`. */
  readonly selfTrain: SelfTrainPreset;
  /** Where each value comes from (paper quotes or the reason for a scaled value). */
  readonly sources: Readonly<Record<string, string>>;
}

/**
 * Algorithm 2's settings:
 *
 * - `cifar10`: the paper's (Table 3): SimCLR with a ResNet-18 encoder and a 2-layer head to 128
 *   dimensions, NT-Xent τ 0.5, SGD lr 0.6 / momentum 0.9 / weight decay 1e-6, 1000 epochs, batch
 *   512 (Section 5.1); then the CIFAR-10 self-training of Algorithm 1 (VGG-16, N 4, k 0.3).
 * - `cpu-small`: the same algorithm sized for two CPU cores on the synthetic set (not a paper
 *   setting): a smallCnn encoder, 10 epochs, batch 32, lr 0.05, cosine decay; self-training from
 *   `@bdst/selftrain`'s `cpu-small` preset.
 *
 * The augmentations are not part of these objects (SimCLR's views default to `simclrAugment()`;
 * the classifier phases add `standardTrainAugment` as in Algorithm 1's presets).
 */
export const simclrPresets: Readonly<Record<'cifar10' | 'cpu-small', SimclrPreset>> = {
  cifar10: {
    name: 'cifar10',
    model: { encoder: 'resnet18', projectionDim: 128 },
    fit: { epochs: 1000, batchSize: 512, lr: 0.6, momentum: 0.9, weightDecay: 1e-6, temperature: 0.5 },
    selfTrain: paperPresets.cifar10,
    sources: {
      model: 'Section 5.1: "we use ResNet-18 as the base-encoder network and a 2-layer MLP projection head that produces a 128-dimensional representation space." (hidden width 512, as SimCLR)',
      fit: 'Section 5.1: "NT-Xent loss (with a temperature parameter of 0.5) for training SimCLR using SGD with a 0.6 learning rate, a momentum of 0.9 and a weight decay ratio of 1 × 10−6. This is trained for 1000 epochs with a batch size of 512"',
      schedule: 'Not stated in the paper: constant learning rate.',
      augment: 'Section 5.1: "with standard data augmentations as used in [17]" (simclrAugment: crop 0.08–1, flip, colour jitter 0.4/0.4/0.4/0.1 p 0.8, grayscale p 0.2).',
      selfTrain: 'Table 3 is CIFAR-10 with BadNets gray-scale, so Algorithm 1\'s CIFAR-10 setting (VGG-16, Section 5.1).',
    },
  },
  'cpu-small': {
    name: 'cpu-small',
    model: { encoder: 'smallCnn', widths: [16, 32, 64], projectionDim: 32 },
    fit: { epochs: 10, batchSize: 32, lr: 0.05, momentum: 0.9, weightDecay: 1e-6, temperature: 0.5, schedule: 'cosine' },
    selfTrain: paperPresets['cpu-small'],
    sources: {
      model: 'Scaled: smallCnn (widths 16-32-64, 64 features) and a 64 → 64 → 32 head instead of ResNet-18 and 512 → 512 → 128.',
      fit: 'Scaled: 10 epochs (paper 1000) at batch 32, lr 0.05 with cosine decay (measured on the synthetic set, docs/results/simclr.md: with batch 128 and lr 0.3–0.5 ten epochs are only ~40 SGD steps and the encoder learned nothing; batch 32 gives 4× the steps for the same compute). τ, momentum and weight decay are the paper\'s.',
      selfTrain: "@bdst/selftrain's cpu-small preset (smallCnn 8-16-32, N 4, k 0.3, scaled epochs).",
    },
  },
};
