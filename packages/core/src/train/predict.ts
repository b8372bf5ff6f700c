import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageDataset } from '../dataset/image-dataset.js';
import type { Transform } from '../dataset/transform.js';
import type { Rng } from '../rng/rng.js';
import { checkModelForDataset } from './model-dataset-check.js';

/** Class predictions for a whole dataset, as returned by {@link predict}. */
export interface Prediction {
  /** argmax class per image, length N. */
  labels: Int32Array;
  /** The largest softmax probability per image (the paper's confidence, Algorithm 1), length N. */
  confidences: Float32Array;
  /** Softmax probabilities, N × numClasses, row-major. */
  probabilities: Float32Array;
  /** Number of classes (model output units). */
  numClasses: number;
}

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Images per forward pass, ≥ 1 (default 256). Only one batch is on the backend at a time. */
  batchSize?: number;
  /** Applied to each batch before the forward pass (e.g. the augmentation T of Algorithm 1); default none. */
  transform?: Transform | null;
  /** Stream the transform draws from; required with a transform. */
  rng?: Rng;
}

/**
 * Runs `model` in inference mode (BatchNorm uses its moving statistics) over `dataset` in order,
 * streaming one batch at a time, and returns softmax probabilities, argmax labels and confidences
 * on the host. Used for evaluation and for pseudo-labelling the unlabelled set (Algorithm 1,
 * steps 2–3). The dataset's labels are never read. Leaves no tensors behind.
 */
export async function predict(model: tfl.LayersModel, dataset: ImageDataset, options: PredictOptions = {}): Promise<Prediction> {
  const numClasses = checkModelForDataset('predict', model, dataset, false);
  const { batchSize = 256, rng } = options;
  const transform = options.transform ?? null;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Error in predict: options.batchSize must be an integer ≥ 1, but got ${batchSize}`);
  if (transform !== null && typeof transform !== 'function') throw new Error(`Error in predict: options.transform must be a Transform function or null, but got ${String(transform)}`);
  if (transform && (!rng || typeof rng.fork !== 'function')) throw new Error('Error in predict: options.rng must be an Rng when options.transform is given');

  const n = dataset.length;
  const probabilities = new Float32Array(n * numClasses);
  let offset = 0;
  for (const batch of dataset.batches(batchSize, { transform, ...(transform && { transformRng: rng }) })) {
    let probs: tf.Tensor | undefined;
    try {
      probs = tf.tidy(() => tf.softmax(model.apply(batch.images, { training: false }) as tf.Tensor2D));
      probabilities.set((await probs.data()) as Float32Array, offset * numClasses);
    } finally {
      batch.images.dispose();
      probs?.dispose();
    }
    offset += batch.labels.length;
  }
  const labels = new Int32Array(n);
  const confidences = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestP = -Infinity;
    for (let k = 0; k < numClasses; k++) {
      const p = probabilities[i * numClasses + k];
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    labels[i] = best;
    confidences[i] = bestP;
  }
  return { labels, confidences, probabilities, numClasses };
}
