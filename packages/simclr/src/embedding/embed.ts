import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ImageDataset } from '@bdst/core';
import type { SimclrModel } from '../encoder/simclr-model.js';

/** Representation vectors of a dataset, one row per image, as {@link embed} returns them. */
export interface Embeddings {
  /** `count × dim` float32, row-major: row i is the L2-normalized h of image i. */
  readonly vectors: Float32Array;
  /** Number of rows (images). */
  readonly count: number;
  /** Length of each row (the encoder's feature size). */
  readonly dim: number;
}

/** Options of {@link embed}. */
export interface EmbedOptions {
  /** Images per forward pass, ≥ 1 (default 256). Only one batch is on the backend at a time. */
  batchSize?: number;
}

/**
 * The representation embeddings h = f(x) of every image of `dataset` (Algorithm 2: "Representation
 * embedding h = f(D_L)"): the SimCLR encoder's output before the projection head, in inference mode
 * (BatchNorm uses its moving statistics), each row L2-normalized (`h / max(‖h‖, 1e-12)`, Algorithm 2
 * clusters "normalized h"), streamed one batch at a time into one host `Float32Array`, in dataset
 * order. The dataset's labels are never read. Leaves no tensors behind.
 *
 * @param model a {@link SimclrModel} (its `encoder` is used) or any LayersModel with one NHWC
 *   input matching the images and one rank-2 output.
 */
export async function embed(model: SimclrModel | tfl.LayersModel, dataset: ImageDataset, options: EmbedOptions = {}): Promise<Embeddings> {
  const fn = 'embed';
  const encoder = model instanceof tfl.LayersModel ? model : (model as SimclrModel | null)?.encoder;
  if (!(encoder instanceof tfl.LayersModel)) throw new Error(`Error in ${fn}: model must be a SimclrModel or a tf.LayersModel, but got ${String(model)}`);
  if (!(dataset instanceof ImageDataset)) throw new Error(`Error in ${fn}: dataset must be an ImageDataset, but got ${String(dataset)}`);
  const { batchSize = 256 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Error in ${fn}: options.batchSize must be an integer ≥ 1, but got ${batchSize}`);
  const inShape = encoder.inputs[0].shape;
  const [, h, w, c] = dataset.shape;
  if (encoder.inputs.length !== 1 || inShape.length !== 4 || inShape[1] !== h || inShape[2] !== w || inShape[3] !== c) {
    throw new Error(`Error in ${fn}: the encoder's input shape [${inShape.slice(1)}] does not match the dataset's image shape [${h}, ${w}, ${c}]`);
  }
  const outShape = encoder.outputs[0].shape;
  if (encoder.outputs.length !== 1 || outShape.length !== 2 || typeof outShape[1] !== 'number') {
    throw new Error(`Error in ${fn}: the encoder must have one rank-2 output [batch, dim], but has shape [${outShape}]`);
  }
  const dim = outShape[1];
  const vectors = new Float32Array(dataset.length * dim);
  let offset = 0;
  for (const batch of dataset.batches(batchSize)) {
    let unit: tf.Tensor | undefined;
    try {
      unit = tf.tidy(() => {
        const features = encoder.apply(batch.images, { training: false }) as tf.Tensor2D;
        return tf.div(features, tf.maximum(tf.norm(features, 'euclidean', 1, true), 1e-12));
      });
      vectors.set((await unit.data()) as Float32Array, offset * dim);
    } finally {
      batch.images.dispose();
      unit?.dispose();
    }
    offset += batch.labels.length;
  }
  return { vectors, count: dataset.length, dim };
}

/**
 * Checks that `h` is a well-formed {@link Embeddings} (sizes agree, no NaN or infinite value) and
 * throws `Error in <fn>: <name> …` otherwise.
 */
export function checkEmbeddings(fn: string, name: string, h: Embeddings): void {
  if (h === null || typeof h !== 'object' || !(h.vectors instanceof Float32Array)) {
    throw new Error(`Error in ${fn}: ${name} must be Embeddings { vectors: Float32Array, count, dim } (from embed), but got ${String(h)}`);
  }
  if (!Number.isInteger(h.dim) || h.dim < 1 || !Number.isInteger(h.count) || h.count < 0 || h.vectors.length !== h.count * h.dim) {
    throw new Error(`Error in ${fn}: ${name} has ${h.vectors.length} values, which is not count ${h.count} × dim ${h.dim}`);
  }
  for (let i = 0; i < h.vectors.length; i++) {
    if (!Number.isFinite(h.vectors[i])) {
      throw new Error(`Error in ${fn}: ${name} holds ${h.vectors[i]} at row ${Math.floor(i / h.dim)}, column ${i % h.dim}; embeddings must be finite`);
    }
  }
}
