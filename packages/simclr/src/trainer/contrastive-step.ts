import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { skipUnusedInputGradients, type SgdMomentum } from '@bdst/core';
import { ntXentLoss } from '../nt-xent/nt-xent-loss.js';

/**
 * One SimCLR training step: the two views of the batch go through `network` together, as one
 * batch of 2B images in training mode (so BatchNorm normalizes over both views, as SimCLR's
 * PyTorch implementations do), the NT-Xent loss of the two halves of the output is
 * differentiated with respect to every trainable weight, and `optimizer` takes one step.
 * Disposes everything it creates; the caller still owns the views. Returns the batch's loss
 * (before the update).
 *
 * @param view1 `[B, H, W, C]` first augmented views.
 * @param view2 `[B, H, W, C]` second augmented views of the same images, in the same order.
 */
export async function contrastiveStep(network: tfl.LayersModel, optimizer: SgdMomentum, view1: tf.Tensor4D, view2: tf.Tensor4D, temperature: number): Promise<number> {
  if (view1.shape[0] !== view2.shape[0]) {
    throw new Error(`Error in contrastiveStep: view1 has ${view1.shape[0]} images but view2 has ${view2.shape[0]}`);
  }
  const b = view1.shape[0];
  skipUnusedInputGradients(network);
  const variables = network.trainableWeights.map((w) => w.read() as tf.Variable);
  let lossT: tf.Scalar | undefined;
  let grads: tf.NamedTensorMap = {};
  try {
    const result = tf.variableGrads(() => {
      const z = network.apply(tf.concat([view1, view2], 0), { training: true }) as tf.Tensor2D;
      const z1 = tf.slice(z, [0, 0], [b, -1]);
      const z2 = tf.slice(z, [b, 0], [b, -1]);
      return ntXentLoss(z1, z2, temperature);
    }, variables);
    lossT = result.value;
    grads = result.grads;
    const ordered = variables.map((v) => {
      const g = grads[v.name];
      if (!g) throw new Error(`Error in contrastiveStep: trainable weight ${v.name} got no gradient (is it connected to the output?)`);
      return g;
    });
    optimizer.applyGradients(variables, ordered);
    return (await lossT.data())[0];
  } finally {
    lossT?.dispose();
    tf.dispose(Object.values(grads));
  }
}
