import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batchGradients } from './batch-gradients.js';
import type { SgdMomentum } from './sgd-momentum.js';

/** What one {@link trainStep} measured on its batch (before the update). */
export interface TrainStepResult {
  /** Mean softmax cross-entropy over the batch. */
  loss: number;
  /** How many samples the logits classified correctly (argmax = label). */
  correct: number;
}

/**
 * One supervised training step on a batch: forward in training mode (BatchNorm uses batch
 * statistics and updates its moving mean / variance), mean softmax cross-entropy of the logits
 * against `labels`, gradients of all trainable weights, one {@link SgdMomentum} update.
 * Disposes everything it creates; the caller still owns `images`. {@link ReplicaPool.step} is the
 * same step split over data-parallel worker threads. The first call prepares `model` with
 * {@link skipUnusedInputGradients} (its first convolution runs unfused, so the gradient of the
 * images is not computed; same values, same serialization).
 *
 * @param images NHWC float32 in [0, 1], `[B, H, W, C]` matching the model input.
 * @param labels B class indices in [0, numClasses).
 */
export async function trainStep(model: tfl.LayersModel, optimizer: SgdMomentum, images: tf.Tensor4D, labels: Int32Array): Promise<TrainStepResult> {
  const { variables, grads, loss, correct } = batchGradients('trainStep', model, images, labels);
  try {
    optimizer.applyGradients(variables, grads);
    const [lossValue, correctValue] = await Promise.all([loss.data(), correct.data()]);
    return { loss: lossValue[0], correct: correctValue[0] };
  } finally {
    tf.dispose([loss, correct, ...grads]);
  }
}
