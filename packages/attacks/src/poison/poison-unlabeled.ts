import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ImageDataset, Rng } from '@bdst/core';
import { stampTriggerInPlace } from '../trigger/apply-trigger.js';
import { triggerPlacement, type Trigger } from '../trigger/trigger.js';
import { cleanLabelPoison } from '../clean-label/poison-clean-label.js';
import { buildPoisonedDataset } from './poisoned-dataset.js';
import { checkDataset, checkRatio, checkRng, drawIndices } from './poison-arguments.js';

/** The clean-label variant of {@link poisonUnlabeled} (the "Clean-Label Attack" rows of Table 2). */
export interface UnlabeledCleanLabelOptions {
  /** A clean-trained classifier that outputs logits, attacked by PGD. */
  model: LayersModel;
  /** The target class whose images are poisoned (paper: 1). Default 1. */
  targetLabel?: number;
  /** PGD L∞ radius (paper: 8/255). Default 8/255. */
  eps?: number;
  /** PGD step size (paper: 2/255). Default 2/255. */
  alpha?: number;
  /** PGD iterations (paper: 10). Default 10. */
  steps?: number;
  /** Images per PGD batch. Default 128. */
  batchSize?: number;
}

/** Options of {@link poisonUnlabeled}. */
export interface UnlabeledPoisonOptions {
  /** The trigger to stamp. */
  trigger: Trigger;
  /**
   * γ(D_U) in [0, 1] (Table 2). Without `cleanLabel`: the fraction of the whole set stamped,
   * `round(ratio · N)`. With `cleanLabel`: the fraction of the set's target-class images poisoned
   * (Table 2: "the ratio of poisoned samples in the target class").
   */
  ratio: number;
  /** Draws the poisoned samples (and PGD's random starts). */
  rng: Rng;
  /** Poison the clean-label way instead of BadNets-style stamping. */
  cleanLabel?: UnlabeledCleanLabelOptions;
}

/**
 * Poisons an unlabeled set D_U with poison ratio γ(D_U) (Section 3's threat model, Table 2).
 *
 * An unlabeled set has no labels for the attacker to flip, so the trigger is stamped and the
 * labels the set carries (true labels, or TinyImages' extrapolated ones; the defender never reads
 * them) are kept. Without `cleanLabel`, `round(ratio · N)` samples from any class are stamped
 * (BadNets rows of Table 2). With `cleanLabel`, `round(ratio · count(targetLabel))` images of the
 * target class (the attacker knows the true labels) are PGD-perturbed and stamped, exactly as
 * {@link poisonCleanLabel} does.
 *
 * Returns a new dataset (input untouched) with `meta.poisoned` and `meta.originalLabels`.
 */
export async function poisonUnlabeled(dataset: ImageDataset, options: UnlabeledPoisonOptions): Promise<ImageDataset> {
  const caller = 'poisonUnlabeled';
  checkDataset(dataset, caller);
  if (!options || typeof options !== 'object') throw new Error(`Error in ${caller}: options must be an object with trigger, ratio and rng`);
  const { trigger, ratio, rng, cleanLabel } = options;
  if (cleanLabel !== undefined) {
    if (cleanLabel === null || typeof cleanLabel !== 'object') throw new Error(`Error in ${caller}: cleanLabel must be an object { model, targetLabel, eps, alpha, steps }`);
    return cleanLabelPoison(dataset, { ...cleanLabel, trigger, ratio, rng }, caller);
  }
  checkRatio(ratio, caller);
  triggerPlacement(trigger, dataset.shape[1], dataset.shape[2], caller);
  checkRng(rng, caller);
  const n = dataset.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const chosen = drawIndices(all, Math.round(ratio * n), rng);
  const images = dataset.images.slice();
  stampTriggerInPlace(images, dataset.shape, chosen, trigger, caller);
  return buildPoisonedDataset(dataset, { images, labels: dataset.labels.slice(), poisonedIndices: chosen });
}
