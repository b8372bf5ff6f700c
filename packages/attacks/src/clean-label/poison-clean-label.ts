import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ImageDataset, Rng } from '@bdst/core';
import { stampTriggerInPlace } from '../trigger/apply-trigger.js';
import { triggerPlacement, type Trigger } from '../trigger/trigger.js';
import { buildPoisonedDataset } from '../poison/poisoned-dataset.js';
import { checkDataset, checkRatio, checkRng, checkTargetLabel, drawIndices, indicesOfClass } from '../poison/poison-arguments.js';
import { checkPgdNumbers, outputClasses } from './pgd.js';
import { perturbImages } from './perturb-images.js';

/** Options of {@link poisonCleanLabel}. */
export interface CleanLabelOptions {
  /** A clean-trained classifier that outputs logits (paper: ResNet-18; see {@link trainCleanModel}). */
  model: LayersModel;
  /** The trigger stamped after the perturbation (paper: the BadNets grayscale trigger). */
  trigger: Trigger;
  /** The target class y_t whose images are poisoned (paper: 1). Default 1. */
  targetLabel?: number;
  /**
   * Fraction in [0, 1] of the *target class* that is poisoned, `round(ratio · count(y_t))`
   * images (the paper's convention: 0.5 of the target class = 5% of CIFAR-10, Section 5.1).
   */
  ratio: number;
  /** L∞ radius of the PGD perturbation, in [0, 1] units (paper: 8/255). Default 8/255. */
  eps?: number;
  /** PGD step size (paper: 2/255). Default 2/255. */
  alpha?: number;
  /** PGD iterations (paper: 10). Default 10. */
  steps?: number;
  /** Draws which images are poisoned, then PGD's random starts. */
  rng: Rng;
  /** Images per PGD batch on the backend. Default 128. */
  batchSize?: number;
}

/**
 * The clean-label backdoor attack (Turner et al.; Section 5.1 of the paper): draws
 * `round(ratio · count(targetLabel))` images *of the target class only*, perturbs each with an
 * untargeted `steps`-step PGD on `model` (maximising its cross-entropy against the true label,
 * random start, L∞ ball of `eps`, clipped to [0, 1]) so its features drift away from its class,
 * then stamps the trigger. Labels are kept (the images are correctly labelled, hence "clean").
 *
 * Returns a new dataset (input untouched) with `meta.poisoned` marking the poisoned images and
 * `meta.originalLabels` the labels. Pixels are stored back as uint8; the rounding is clamped to
 * the ball, so outside the trigger every byte is within `eps · 255` of the original (see
 * {@link perturbImages}). PGD runs in batches of `batchSize`; nothing is left on the backend.
 *
 * Throws when the set has no image of the target class.
 */
export async function poisonCleanLabel(dataset: ImageDataset, options: CleanLabelOptions): Promise<ImageDataset> {
  return cleanLabelPoison(dataset, options, 'poisonCleanLabel');
}

/** {@link poisonCleanLabel} reporting errors as `caller` (shared with `poisonUnlabeled`). */
export async function cleanLabelPoison(dataset: ImageDataset, options: CleanLabelOptions, caller: string): Promise<ImageDataset> {
  checkDataset(dataset, caller);
  if (!options || typeof options !== 'object') throw new Error(`Error in ${caller}: options must be an object with model, trigger, ratio and rng`);
  const { model, trigger, targetLabel = 1, ratio, eps = 8 / 255, alpha = 2 / 255, steps = 10, rng, batchSize = 128 } = options;
  if (!model || typeof (model as { apply?: unknown }).apply !== 'function') {
    throw new Error(`Error in ${caller}: model must be a clean-trained tf.LayersModel that outputs logits, but got ${model === undefined ? 'undefined' : typeof model}`);
  }
  checkRatio(ratio, caller);
  checkTargetLabel(targetLabel, dataset.numClasses, caller);
  triggerPlacement(trigger, dataset.shape[1], dataset.shape[2], caller);
  checkPgdNumbers(eps, alpha, steps, caller);
  checkRng(rng, caller);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Error in ${caller}: batchSize must be a positive integer, but got ${batchSize}`);
  const classes = outputClasses(model);
  if (classes !== null && classes !== dataset.numClasses) {
    throw new Error(`Error in ${caller}: model outputs ${classes} classes but the dataset has ${dataset.numClasses}`);
  }
  const inputShape = model.inputs?.[0]?.shape;
  if (inputShape && inputShape.length === 4 && inputShape.slice(1).some((d, k) => d !== null && d !== dataset.shape[k + 1])) {
    throw new Error(`Error in ${caller}: model expects images ${inputShape.slice(1).join('×')} but the dataset has ${dataset.imageShape.join('×')}`);
  }
  const targets = indicesOfClass(dataset.labels, targetLabel);
  if (targets.length === 0) {
    throw new Error(`Error in ${caller}: the dataset has no image of targetLabel ${targetLabel}; the clean-label attack poisons target-class images only`);
  }

  const chosen = drawIndices(targets, Math.round(ratio * targets.length), rng);
  const images = dataset.images.slice();
  await perturbImages(dataset, chosen, images, { model, eps, alpha, steps, rng, batchSize });
  stampTriggerInPlace(images, dataset.shape, chosen, trigger, caller);
  return buildPoisonedDataset(dataset, { images, labels: dataset.labels.slice(), poisonedIndices: chosen });
}
