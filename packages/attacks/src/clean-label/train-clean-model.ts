import type { LayersModel } from '@tensorflow/tfjs-layers';
import { resnet18, train } from '@bdst/core';
import type { EpochReport, ImageDataset, TrainOptions } from '@bdst/core';
import { checkDataset } from '../poison/poison-arguments.js';

/**
 * Options of {@link trainCleanModel}: core's {@link TrainOptions} (the paper's SGD defaults)
 * plus the model to train. `epochs` and `schedule` default to the paper's CIFAR-10 pretraining
 * recipe (Section 5.1: "200 epochs … initial learning rate 0.01 which is decayed by 0.5 at
 * epoch 100"); the paper does not give a separate recipe for the attack's clean model.
 */
export interface CleanModelOptions extends Omit<TrainOptions, 'epochs'> {
  /** The classifier to train (outputs logits). Default: `resnet18` for the dataset's shape and classes (Section 5.1). */
  model?: LayersModel;
  /** Epochs. Default 200. */
  epochs?: number;
}

/** A trained clean model and its training history, from {@link trainCleanModel}. */
export interface CleanModel {
  /** The trained classifier, ready for {@link poisonCleanLabel}. */
  model: LayersModel;
  /** Core's per-epoch reports. */
  history: EpochReport[];
}

/**
 * Trains the clean classifier the clean-label attack perturbs against (Section 5.1: "a 10
 * step-PGD attack on a clean trained ResNet-18 model"), with core's `train`. Refuses a dataset
 * that records poisoned samples (`meta.poisoned`), since the attacker's model is clean.
 */
export async function trainCleanModel(dataset: ImageDataset, options: CleanModelOptions): Promise<CleanModel> {
  const caller = 'trainCleanModel';
  checkDataset(dataset, caller);
  if (!options || typeof options !== 'object') throw new Error(`Error in ${caller}: options must be an object { rng, epochs?, model?, … }`);
  const flags = dataset.meta.poisoned;
  if (flags) {
    let poisoned = 0;
    for (let i = 0; i < flags.length; i++) poisoned += flags[i];
    if (poisoned > 0) throw new Error(`Error in ${caller}: dataset has ${poisoned} poisoned samples (meta.poisoned); the clean-label attack's model must be trained on clean data`);
  }
  const { model: given, epochs = 200, schedule = { milestones: [100], gamma: 0.5 }, ...trainOptions } = options;
  const model = given ?? resnet18({ inputShape: dataset.imageShape, numClasses: dataset.numClasses, rng: options.rng?.fork?.('clean-model-init') });
  const { history } = await train(model, dataset, { ...trainOptions, epochs, schedule });
  return { model, history };
}
