import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ImageDataset, predict } from '@bdst/core';
import type { Rng, Transform } from '@bdst/core';

/** Options shared by the metrics that run a model over a test set. */
export interface PredictionOptions {
  /**
   * A test-time transform applied to every batch before the model sees it (the Figure 1 screen:
   * SA/ASR under an augmentation). Needs `rng`. Default none.
   */
  transform?: Transform | null;
  /** The stream a random `transform` draws from (required with `transform`). */
  rng?: Rng;
  /** Images per forward pass (one batch on the backend at a time). Default 256. */
  batchSize?: number;
}

/** Checks a model, a dataset and {@link PredictionOptions}, before any work. */
export function checkPredictionArguments(model: LayersModel, dataset: ImageDataset, options: PredictionOptions, caller: string, name: string): void {
  if (!model || typeof (model as { predict?: unknown }).predict !== 'function') {
    throw new Error(`Error in ${caller}: model must be a tf.LayersModel, but got ${model === undefined ? 'undefined' : typeof model}`);
  }
  if (!(dataset instanceof ImageDataset)) throw new Error(`Error in ${caller}: ${name} must be an ImageDataset, but got ${dataset === null ? 'null' : typeof dataset}`);
  if (dataset.length === 0) throw new Error(`Error in ${caller}: ${name} is empty; there is nothing to measure`);
  const inputShape = model.inputs?.[0]?.shape;
  if (inputShape && inputShape.length === 4 && inputShape.slice(1).some((d, k) => d !== null && d !== dataset.shape[k + 1])) {
    throw new Error(`Error in ${caller}: model expects images ${inputShape.slice(1).join('×')} but ${name} has ${dataset.imageShape.join('×')}`);
  }
  const outputShape = model.outputs?.[0]?.shape;
  const units = outputShape?.[outputShape.length - 1];
  if (typeof units === 'number' && units !== dataset.numClasses) {
    throw new Error(`Error in ${caller}: model outputs ${units} classes but ${name} has ${dataset.numClasses}`);
  }
  const { transform, rng, batchSize } = options;
  if (transform !== undefined && transform !== null && typeof transform !== 'function') {
    throw new Error(`Error in ${caller}: transform must be a function (x, rng) => Tensor4D, but got ${typeof transform}`);
  }
  if (transform && !rng) throw new Error(`Error in ${caller}: a transform needs options.rng to draw its random parameters from`);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) {
    throw new Error(`Error in ${caller}: batchSize must be a positive integer, but got ${batchSize}`);
  }
}

/** The model's predicted class for every sample, streamed batch by batch through core's `predict`. */
export async function predictedLabels(model: LayersModel, dataset: ImageDataset, options: PredictionOptions): Promise<Int32Array> {
  const { transform, rng, batchSize = 256 } = options;
  const result = await predict(model, dataset, { batchSize, ...(transform ? { transform, rng } : {}) });
  return result.labels;
}

/** The true label of each sample: `meta.originalLabels` when present, else `labels`. */
export function trueLabels(dataset: ImageDataset): Int32Array {
  return dataset.meta.originalLabels ?? dataset.labels;
}
