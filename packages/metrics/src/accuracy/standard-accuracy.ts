import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ImageDataset } from '@bdst/core';
import { checkPredictionArguments, predictedLabels, trueLabels, type PredictionOptions } from './predicted-labels.js';

/**
 * Standard accuracy (SA, Section 3): the fraction in [0, 1] of clean test samples the model
 * classifies correctly (argmax of its logits against the true label, `meta.originalLabels` when
 * present, else `labels`). Streams the set in batches; nothing is left on the backend.
 */
export async function standardAccuracy(model: LayersModel, cleanTest: ImageDataset, options: PredictionOptions = {}): Promise<number> {
  checkPredictionArguments(model, cleanTest, options, 'standardAccuracy', 'cleanTest');
  const predicted = await predictedLabels(model, cleanTest, options);
  const truth = trueLabels(cleanTest);
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === truth[i]) correct++;
  return correct / predicted.length;
}
