import { paperPresets } from '@bdst/selftrain';
import type { TrainingSettings } from '@bdst/selftrain';
import type { DatasetConfig, ModelConfig, SimclrConfig, TrainingConfig } from '../config/experiment-config.js';

/**
 * How big a preset runs:
 * - `'paper'`: the paper's models, epochs and full datasets (Section 5.1), for a GPU;
 * - `'cpu'`: `smallCnn` (widths 8-16-32), 5,000 training images (20% labeled) and a few epochs per
 *   phase (`@bdst/selftrain`'s `'cpu-small'`), so a Table 2 row finishes in about 15 minutes on two CPU cores;
 * - `'tiny'`: a few optimizer steps on a few hundred 16×16 synthetic images, for smoke tests.
 */
export type ExperimentScale = 'paper' | 'cpu' | 'tiny';

/** Every {@link ExperimentScale}. */
export const EXPERIMENT_SCALES: readonly ExperimentScale[] = ['paper', 'cpu', 'tiny'];

/** The training phases, model and data sizes of one scale, for one of the paper's two settings. */
export interface ScaleSettings {
  /** The classifier. */
  model: ModelConfig;
  /** Pretraining on D_L. */
  pretrain: TrainingConfig;
  /** Each warm-start retraining on D_n. */
  retrain: TrainingConfig;
  /** Final training from scratch on D_N. */
  final: TrainingConfig;
  /** Training of the clean model the clean-label attack's PGD runs on. */
  cleanModel: TrainingConfig;
  /** SimCLR pretraining (Algorithm 2). */
  simclr: SimclrConfig;
  /** Dataset size limits (`trainSize`, `testSize`, `unlabeledSize`). */
  sizes: Pick<DatasetConfig, 'trainSize' | 'testSize' | 'unlabeledSize'>;
  /** Draws per stochastic augmentation in the Figure 1 screen (paper: 6). */
  screenDraws: number;
  /** Trigger side in pixels (paper: 5). */
  triggerSize: number;
}

/** Converts a `@bdst/selftrain` preset phase (the paper's values) to a JSON training config with the paper's train-time augmentation. */
function fromPaper(settings: TrainingSettings): TrainingConfig {
  return {
    epochs: settings.epochs,
    batchSize: settings.batchSize ?? 128,
    lr: settings.lr ?? 0.01,
    momentum: settings.momentum ?? 0.9,
    weightDecay: settings.weightDecay ?? 1e-4,
    milestones: [...(settings.schedule?.milestones ?? [])],
    gamma: settings.schedule?.gamma ?? 1,
    augment: 'standard',
  };
}

/** SGD settings shared by the scaled phases (Section 5.1's momentum and weight decay). */
const scaled = (epochs: number, lr: number, milestones: number[], batchSize: number): TrainingConfig => ({
  epochs,
  batchSize,
  lr,
  momentum: 0.9,
  weightDecay: 1e-4,
  milestones,
  gamma: 0.2,
  augment: 'standard',
});

/** SimCLR as Section 5.1 trains it: "SGD with a 0.6 learning rate, a momentum of 0.9 and a weight decay ratio of 1 × 10−6 … 1000 epochs with a batch size of 512", NT-Xent temperature 0.5, 128-d projection. */
const PAPER_SIMCLR: SimclrConfig = { epochs: 1000, batchSize: 512, lr: 0.6, momentum: 0.9, weightDecay: 1e-6, temperature: 0.5, projectionDim: 128 };

/**
 * The settings of each scale, for the paper's CIFAR-10 setting (`'cifar10'`, VGG-16, Tables 1–3
 * and Figure 1) and its CIFAR-10 + 500K TinyImages setting (`'tinyimages'`, ResNet-18). The
 * `'paper'` values come from `paperPresets` of `@bdst/selftrain`, which cites Section 5.1 for each.
 */
export function scaleSettings(scale: ExperimentScale, setting: 'cifar10' | 'tinyimages'): ScaleSettings {
  if (scale === 'paper') {
    const p = setting === 'cifar10' ? paperPresets.cifar10 : paperPresets.cifar10TinyImages;
    return {
      model: { name: p.model },
      pretrain: fromPaper(p.pretrain),
      retrain: fromPaper(p.retrain),
      final: fromPaper(p.final),
      // Section 5.1: PGD runs "on a clean trained ResNet-18 model"; its training follows the pretraining recipe.
      cleanModel: fromPaper(p.pretrain),
      simclr: PAPER_SIMCLR,
      sizes: { trainSize: null, testSize: null, unlabeledSize: null },
      screenDraws: 6,
      triggerSize: 5,
    };
  }
  if (scale === 'cpu') {
    return {
      model: { name: 'smallCnn', widths: [8, 16, 32] },
      // The epochs and rates of @bdst/selftrain's 'cpu-small' preset.
      pretrain: scaled(15, 0.05, [12], 64),
      retrain: scaled(2, 0.01, [], 64),
      final: scaled(6, 0.05, [5], 64),
      cleanModel: scaled(6, 0.05, [5], 64),
      simclr: { ...PAPER_SIMCLR, epochs: 5, batchSize: 128, lr: 0.3 },
      sizes: { trainSize: 5_000, testSize: 2_000, unlabeledSize: setting === 'tinyimages' ? 20_000 : null },
      screenDraws: 6,
      triggerSize: 5,
    };
  }
  const tiny = (epochs: number): TrainingConfig => ({ ...scaled(epochs, 0.05, [], 32), augment: 'none' });
  return {
    model: { name: 'smallCnn', widths: [4, 8, 8] },
    pretrain: tiny(1),
    retrain: tiny(1),
    final: tiny(1),
    cleanModel: tiny(1),
    simclr: { ...PAPER_SIMCLR, epochs: 1, batchSize: 64, projectionDim: 16 },
    sizes: { trainSize: 160, testSize: 60, unlabeledSize: setting === 'tinyimages' ? 120 : null },
    screenDraws: 2,
    triggerSize: 3,
  };
}
