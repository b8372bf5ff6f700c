import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ImageDataset } from '@bdst/core';
import { checkPredictionArguments, predictedLabels, trueLabels, type PredictionOptions } from './predicted-labels.js';

/**
 * Attack success rate (ASR, Section 3): "the fraction of the poisoned test samples from the
 * non-target classes which have been predicted as the backdoor target class", in [0, 1].
 *
 * `triggeredTest` is a test set with the trigger stamped (`triggeredTestSet` in
 * `@bdst/attacks`) carrying the true labels; samples whose true label is `targetLabel` are left
 * out of the count (and not run). Streams in batches; nothing is left on the backend.
 *
 * @param targetLabel the attacker's target class (paper: 1). Default 1.
 */
export async function attackSuccessRate(model: LayersModel, triggeredTest: ImageDataset, targetLabel = 1, options: PredictionOptions = {}): Promise<number> {
  const caller = 'attackSuccessRate';
  checkPredictionArguments(model, triggeredTest, options, caller, 'triggeredTest');
  const eligible = nonTargetSamples(triggeredTest, targetLabel, caller);
  const predicted = await predictedLabels(model, eligible, options);
  let hits = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === targetLabel) hits++;
  return hits / predicted.length;
}

/**
 * The samples of `triggered` whose true label is not `targetLabel` (the set itself when it has
 * none of the target class). Throws when `targetLabel` is not a class or nothing is left.
 */
export function nonTargetSamples(triggered: ImageDataset, targetLabel: number, caller: string): ImageDataset {
  if (!Number.isInteger(targetLabel) || targetLabel < 0 || targetLabel >= triggered.numClasses) {
    throw new Error(`Error in ${caller}: targetLabel must be an integer in [0, ${triggered.numClasses}), but got ${targetLabel}`);
  }
  const truth = trueLabels(triggered);
  const keep: number[] = [];
  for (let i = 0; i < truth.length; i++) if (truth[i] !== targetLabel) keep.push(i);
  if (keep.length === 0) throw new Error(`Error in ${caller}: triggeredTest has no sample outside targetLabel ${targetLabel}; ASR is undefined`);
  return keep.length === truth.length ? triggered : triggered.subset(keep);
}
