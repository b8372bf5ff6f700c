import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkBatchForModel } from './batch-check.js';
import { skipUnusedInputGradients } from './skip-unused-input-gradients.js';

/** What {@link batchGradients} computed; the caller owns (and disposes) every tensor. */
export interface BatchGradients {
  /** The model's trainable variables, in `model.trainableWeights` order. */
  variables: tf.Variable[];
  /** d(mean loss)/d(variable), one per entry of `variables`, same order and shapes. */
  grads: tf.Tensor[];
  /** Mean softmax cross-entropy over the batch (before any update). */
  loss: tf.Scalar;
  /** int32 count of samples whose logits' argmax equals the label. */
  correct: tf.Scalar;
}

/**
 * The forward / backward half of a supervised training step, shared by {@link trainStep} and the
 * data-parallel replicas ({@link ReplicaPool}): forward in training mode (BatchNorm normalizes with
 * the batch statistics and updates its moving mean / variance in place), mean softmax
 * cross-entropy of the logits against `labels`, gradients of all trainable weights (the first
 * convolution's unused input gradient skipped: {@link skipUnusedInputGradients}). Applies no
 * update. Disposes its intermediates; on an error it disposes what it created and rethrows.
 *
 * @param fn the public function to name in error messages.
 * @param images NHWC float32 in [0, 1], `[B, H, W, C]` matching the model input, B ≥ 1.
 * @param labels B class indices in [0, numClasses).
 * @throws Error naming `fn` when the batch does not fit the model ({@link checkBatchForModel}).
 */
export function batchGradients(fn: string, model: tfl.LayersModel, images: tf.Tensor4D, labels: Int32Array): BatchGradients {
  checkBatchForModel(fn, model, images, labels);
  const numClasses = model.outputs[0].shape[1] as number;
  skipUnusedInputGradients(model);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const labelsT = tf.tensor1d(labels, 'int32');
  let correct: tf.Scalar | undefined;
  let result: { value: tf.Scalar; grads: tf.NamedTensorMap } | undefined;
  try {
    result = tf.variableGrads(() => {
      const logits = model.apply(images, { training: true }) as tf.Tensor2D;
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labelsT), 'int32')) as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labelsT, numClasses), logits) as tf.Scalar;
    }, variables);
    const named = result.grads;
    const grads = variables.map((v) => {
      const g = named[v.name];
      if (!g) throw new Error(`Error in ${fn}: trainable weight ${v.name} got no gradient (is it connected to the output?)`);
      return g;
    });
    return { variables, grads, loss: result.value, correct: correct! };
  } catch (error) {
    correct?.dispose();
    if (result) tf.dispose([result.value, ...Object.values(result.grads)]);
    disposeAbandonedTape();
    throw error;
  } finally {
    labelsT.dispose();
  }
}

/**
 * When the function given to `tf.variableGrads` throws (a shape error in the forward pass), tfjs
 * 4.22 leaves the tensors its tape saved for the backward pass alive (the next tape replaces the
 * list without disposing them). Disposes them, unless an enclosing gradient computation still
 * needs the tape.
 */
function disposeAbandonedTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = [];
}
