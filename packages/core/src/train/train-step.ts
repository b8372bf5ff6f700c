import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
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
 * Disposes everything it creates; the caller still owns `images`.
 *
 * @param images NHWC float32 in [0, 1], `[B, H, W, C]` matching the model input.
 * @param labels B class indices in [0, numClasses).
 */
export async function trainStep(model: tfl.LayersModel, optimizer: SgdMomentum, images: tf.Tensor4D, labels: Int32Array): Promise<TrainStepResult> {
  if (labels.length !== images.shape[0]) {
    throw new Error(`Error in trainStep: labels has length ${labels.length} but the batch has ${images.shape[0]} images`);
  }
  const numClasses = model.outputs[0].shape[1] as number;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const labelsT = tf.tensor1d(labels, 'int32');
  let correctT: tf.Scalar | undefined;
  let lossT: tf.Scalar | undefined;
  let grads: tf.NamedTensorMap = {};
  try {
    const result = tf.variableGrads(() => {
      const logits = model.apply(images, { training: true }) as tf.Tensor2D;
      correctT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labelsT), 'int32')) as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labelsT, numClasses), logits) as tf.Scalar;
    }, variables);
    lossT = result.value as tf.Scalar;
    grads = result.grads;
    const ordered = variables.map((v) => {
      const g = grads[v.name];
      if (!g) throw new Error(`Error in trainStep: trainable weight ${v.name} got no gradient (is it connected to the output?)`);
      return g;
    });
    optimizer.applyGradients(variables, ordered);
    const [loss, correct] = await Promise.all([lossT.data(), correctT!.data()]);
    return { loss: loss[0], correct: correct[0] };
  } finally {
    labelsT.dispose();
    lossT?.dispose();
    correctT?.dispose();
    tf.dispose(Object.values(grads));
  }
}
