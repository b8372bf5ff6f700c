import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Checks one training batch against `model` before any computation: float32 images, one label per image, every
 * label a class index in [0, numClasses) of the model's `[batch, numClasses]` output (a label
 * outside it would one-hot to a zero row and train on a wrong loss without a word), and images
 * whose H, W and C are the model input's (a fully convolutional model with global pooling would
 * compute on any size). Throws `Error in <fn>: …` naming the whole batch.
 */
export function checkBatchForModel(fn: string, model: tfl.LayersModel, images: tf.Tensor4D, labels: Int32Array): void {
  if (images.dtype !== 'float32') {
    // tfjs-layers would cast an int32 batch and train on pixel values 0–255.
    throw new Error(`Error in ${fn}: images must be float32 in [0, 1] (e.g. ImageDataset.toTensor()), but got ${images.dtype}`);
  }
  if (labels.length !== images.shape[0]) {
    throw new Error(`Error in ${fn}: labels has length ${labels.length} but the batch has ${images.shape[0]} images`);
  }
  const expected = model.inputs[0].shape;
  if (images.rank !== expected.length || expected.some((d, i) => i > 0 && d != null && d !== images.shape[i])) {
    throw new Error(`Error in ${fn}: images has shape [${images.shape.join(', ')}] but the model takes [${expected.map((d) => d ?? 'B').join(', ')}]`);
  }
  const numClasses = model.outputs[0].shape[1] as number;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0 || labels[i] >= numClasses) {
      throw new Error(`Error in ${fn}: labels[${i}] is ${labels[i]}, outside [0, ${numClasses}) (the model has ${numClasses} outputs)`);
    }
  }
}
