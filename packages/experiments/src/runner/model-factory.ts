import type { LayersModel } from '@tensorflow/tfjs-layers';
import { resnet18, smallCnn, vgg16 } from '@bdst/core';
import type { Rng } from '@bdst/core';
import { standardTrainAugment } from '@bdst/augment';
import type { TrainingSettings } from '@bdst/selftrain';
import type { ModelConfig, TrainingConfig } from '../config/experiment-config.js';

/**
 * A `createModel` function for the configured classifier (`smallCnn`, `vgg16` or `resnet18` of
 * `@bdst/core`), taking the weight-initialisation stream as its argument, as `selfTrain` expects.
 */
export function modelFactory(model: ModelConfig, inputShape: readonly [number, number, number], numClasses: number): (rng: Rng) => LayersModel {
  const shape: [number, number, number] = [inputShape[0], inputShape[1], inputShape[2]];
  switch (model.name) {
    case 'smallCnn':
      return (rng) => smallCnn({ inputShape: shape, numClasses, rng, ...(model.widths ? { widths: model.widths } : {}) });
    case 'vgg16':
      return (rng) => vgg16({ inputShape: shape, numClasses, rng });
    case 'resnet18':
      return (rng) => resnet18({ inputShape: shape, numClasses, rng });
  }
}

/** A JSON {@link TrainingConfig} as `@bdst/selftrain`'s `TrainingSettings` (the augmentation name becomes the transform). */
export function trainingSettings(config: TrainingConfig): TrainingSettings {
  return {
    epochs: config.epochs,
    batchSize: config.batchSize,
    lr: config.lr,
    momentum: config.momentum,
    weightDecay: config.weightDecay,
    ...(config.milestones.length > 0 ? { schedule: { milestones: config.milestones, gamma: config.gamma } } : {}),
    transform: config.augment === 'standard' ? standardTrainAugment : null,
  };
}
