import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageDataset } from '../dataset/image-dataset.js';
import type { Transform } from '../dataset/transform.js';
import type { Rng } from '../rng/rng.js';
import { checkModelForDataset } from './model-dataset-check.js';
import { replicasOnBackend, resolveReplicaCount } from './replica-count.js';
import { ReplicaPool } from './replica-pool.js';

/** Fewest batches for which {@link predict} starts replica workers (starting them takes ~0.3–0.9 s). */
const MIN_BATCHES_FOR_REPLICAS = 4;

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
  /**
   * Data-parallel replicas for the forward passes, an integer ≥ 1 (default 1; unlike `train`,
   * `BDST_REPLICAS` is not read: starting the workers costs ~0.35 s from the built package and
   * ~0.85 s from sources, and inference is memory-bound, so it pays only on large sets — one
   * self-training iteration over 30,000 images: 1.17× with 2, over 10,000: slower; bench/README.md).
   * Each batch is split between this thread and worker threads holding a copy of the model
   * ({@link ReplicaPool.probabilities}). Used only when the dataset holds at least 4 batches and
   * on the 'wasm' or 'cpu' backend (a value > 1 on native TensorFlow is an error). The
   * probabilities are the same as with one replica: inference treats every image on its own.
   */
  replicas?: number;
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

  const backend = tf.getBackend();
  const requested = replicasOnBackend('predict', resolveReplicaCount('predict', options.replicas, { readEnv: false }), backend);

  const n = dataset.length;
  const probabilities = new Float32Array(n * numClasses);
  const useReplicas = requested > 1 && n >= MIN_BATCHES_FOR_REPLICAS * batchSize;
  const pool = useReplicas ? await ReplicaPool.start({ model, replicas: requested }) : null;
  try {
    await pool?.loadWeights();
    let offset = 0;
    for (const batch of dataset.batches(batchSize, { transform, ...(transform && { transformRng: rng }) })) {
      let probs: tf.Tensor | undefined;
      try {
        if (pool) {
          probabilities.set(await pool.probabilities(batch.images), offset * numClasses);
        } else {
          probs = tf.tidy(() => tf.softmax(model.apply(batch.images, { training: false }) as tf.Tensor2D));
          probabilities.set((await probs.data()) as Float32Array, offset * numClasses);
        }
      } finally {
        batch.images.dispose();
        probs?.dispose();
      }
      offset += batch.labels.length;
    }
  } finally {
    await pool?.terminate();
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
