import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ImageDataset } from '@bdst/core';
import { checkPredictionArguments, predictedLabels, trueLabels, type PredictionOptions } from './predicted-labels.js';
import { nonTargetSamples } from './attack-success-rate.js';
import { confusionMatrix, perClassAccuracy } from './confusion-matrix.js';

/** Options of {@link evaluate}. */
export interface EvaluateOptions extends PredictionOptions {
  /** The clean test set (SA, per-class accuracy, confusion). */
  clean: ImageDataset;
  /** The triggered test set (ASR), e.g. from `triggeredTestSet` in `@bdst/attacks`. */
  triggered: ImageDataset;
  /** The attacker's target class (paper: 1). Default 1. */
  targetLabel?: number;
}

/** The measures of one model, from {@link evaluate}. */
export interface Evaluation {
  /** Standard accuracy on the clean set, in [0, 1]. */
  sa: number;
  /** Attack success rate on the triggered non-target samples, in [0, 1]. */
  asr: number;
  /** Clean accuracy per true class, length K (NaN for a class absent from the clean set). */
  perClassAccuracy: Float64Array;
  /** Clean confusion matrix, K×K row-major, row = true class, column = prediction. */
  confusion: Int32Array;
}

/**
 * SA and ASR of a model in one call (Section 3's two measures), plus the clean per-class
 * accuracy and confusion matrix. Both sets are streamed through the model in batches, with the
 * optional test-time `transform` (drawing from `rng`; the clean pass uses `rng.fork('clean')`
 * and the triggered pass `rng.fork('triggered')`, so each is reproducible on its own).
 */
export async function evaluate(model: LayersModel, options: EvaluateOptions): Promise<Evaluation> {
  const caller = 'evaluate';
  if (!options || typeof options !== 'object') throw new Error(`Error in ${caller}: options must be { clean, triggered, targetLabel }`);
  const { clean, triggered, targetLabel = 1, transform, rng, batchSize } = options;
  checkPredictionArguments(model, clean, options, caller, 'clean');
  checkPredictionArguments(model, triggered, options, caller, 'triggered');
  if (clean.numClasses !== triggered.numClasses) {
    throw new Error(`Error in ${caller}: triggered has ${triggered.numClasses} classes but clean has ${clean.numClasses}`);
  }
  const eligible = nonTargetSamples(triggered, targetLabel, caller);

  const k = clean.numClasses;
  const cleanPredicted = await predictedLabels(model, clean, { transform, rng: rng?.fork('clean'), batchSize });
  const confusion = confusionMatrix(trueLabels(clean), cleanPredicted, k);
  let correct = 0;
  for (let t = 0; t < k; t++) correct += confusion[t * k + t];

  const triggeredPredicted = await predictedLabels(model, eligible, { transform, rng: rng?.fork('triggered'), batchSize });
  let hits = 0;
  for (let i = 0; i < triggeredPredicted.length; i++) if (triggeredPredicted[i] === targetLabel) hits++;

  return { sa: correct / clean.length, asr: hits / eligible.length, perClassAccuracy: perClassAccuracy(confusion, k), confusion };
}
