import type { ImageDataset } from '@bdst/core';
import { stampTriggerInPlace } from '../trigger/apply-trigger.js';
import { triggerPlacement, type Trigger } from '../trigger/trigger.js';
import { buildPoisonedDataset } from './poisoned-dataset.js';
import { checkDataset, checkTargetLabel } from './poison-arguments.js';

/**
 * The test set on which the attack success rate is measured (Section 3: "the fraction of the
 * poisoned test samples from the non-target classes which have been predicted as the backdoor
 * target class"): every test image whose true label is not `targetLabel`, stamped with
 * `trigger`. Target-class images are left out; the true labels are kept for analysis, and
 * `meta.poisoned` is 1 for every sample.
 *
 * @param targetLabel the attacker's target class (paper: 1). Default 1.
 */
export function triggeredTestSet(test: ImageDataset, trigger: Trigger, targetLabel = 1): ImageDataset {
  const caller = 'triggeredTestSet';
  checkDataset(test, caller, 'test');
  checkTargetLabel(targetLabel, test.numClasses, caller);
  triggerPlacement(trigger, test.shape[1], test.shape[2], caller);
  const truth = test.meta.originalLabels ?? test.labels;
  const keep: number[] = [];
  for (let i = 0; i < test.length; i++) if (truth[i] !== targetLabel) keep.push(i);
  const nonTarget = test.subset(keep); // a fresh copy, so stamping it in place touches nothing else
  const all = Int32Array.from({ length: nonTarget.length }, (_, i) => i);
  stampTriggerInPlace(nonTarget.images, nonTarget.shape, all, trigger, caller);
  const labels = Int32Array.from(keep, (i) => truth[i]);
  return buildPoisonedDataset(nonTarget, { images: nonTarget.images, labels, poisonedIndices: all });
}
