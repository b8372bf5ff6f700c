import type { ImageDataset, Rng } from '@bdst/core';
import { stampTriggerInPlace } from '../trigger/apply-trigger.js';
import { triggerPlacement, type Trigger } from '../trigger/trigger.js';
import { buildPoisonedDataset } from '../poison/poisoned-dataset.js';
import { checkDataset, checkRatio, checkRng, checkTargetLabel, drawIndices } from '../poison/poison-arguments.js';

/** Options of {@link poisonBadNets}. */
export interface BadNetsOptions {
  /** The trigger to stamp (see {@link badnetsTrigger}). */
  trigger: Trigger;
  /** The attacker's target label y_t (paper: always 1, Section 5.1). Default 1. */
  targetLabel?: number;
  /**
   * Poison ratio γ in [0, 1]: the fraction of the whole set that is poisoned,
   * `round(ratio · N)` samples (paper: usually 0.1 for the labeled set, Section 5.1).
   */
  ratio: number;
  /** Draws which samples are poisoned. */
  rng: Rng;
}

/**
 * The BadNets attack (Gu et al.; Section 3 of the paper): draws `round(ratio · N)` samples from
 * any class (the set 𝒟_m), stamps the trigger on them, and sets their label to `targetLabel`.
 *
 * Returns a new dataset (the input is untouched) in the same order, with `meta.poisoned` 1 for
 * the drawn samples and `meta.originalLabels` holding the labels before the attack. Samples
 * already of the target class may be drawn; they get the trigger and keep their label (as in
 * the paper's 𝒟_b = {(𝒢(x), y_t)}). The same `rng` seed gives the same poisoned set on every
 * backend (the draw and the stamping run on the host).
 */
export function poisonBadNets(dataset: ImageDataset, options: BadNetsOptions): ImageDataset {
  const caller = 'poisonBadNets';
  checkDataset(dataset, caller);
  if (!options || typeof options !== 'object') throw new Error(`Error in ${caller}: options must be an object with trigger, ratio and rng`);
  const { trigger, targetLabel = 1, ratio, rng } = options;
  checkRatio(ratio, caller);
  checkTargetLabel(targetLabel, dataset.numClasses, caller);
  triggerPlacement(trigger, dataset.shape[1], dataset.shape[2], caller);
  checkRng(rng, caller);

  const n = dataset.length;
  const count = Math.round(ratio * n);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const chosen = drawIndices(all, count, rng);
  const images = dataset.images.slice();
  stampTriggerInPlace(images, dataset.shape, chosen, trigger, caller);
  const labels = dataset.labels.slice();
  for (const i of chosen) labels[i] = targetLabel;
  return buildPoisonedDataset(dataset, { images, labels, poisonedIndices: chosen });
}
