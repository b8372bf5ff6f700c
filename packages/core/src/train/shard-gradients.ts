import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batchGradients } from './batch-gradients.js';

/** One data-parallel shard's share of a step, on the host (what a replica sends back). */
export interface ShardGradients {
  /** d(shard mean loss)/dw, `model.trainableWeights` order; fresh copies (transferable). */
  grads: Float32Array[];
  /** The non-trainable weights after the shard's forward (BatchNorm moving mean / variance updated by it); fresh copies. */
  nonTrainable: Float32Array[];
  /** Mean softmax cross-entropy over the shard. */
  loss: number;
  /** Correctly classified samples of the shard. */
  correct: number;
}

/**
 * Runs {@link batchGradients} on one shard (forward in training mode, which updates `model`'s
 * BatchNorm moving statistics in place) and reads the result to the host as fresh arrays, which
 * {@link ReplicaPool} combines across replicas. Disposes every tensor it creates.
 */
export async function shardGradients(model: tfl.LayersModel, images: tf.Tensor4D, labels: Int32Array): Promise<ShardGradients> {
  const { grads, loss, correct } = batchGradients('ReplicaPool.step', model, images, labels);
  try {
    // data() may return a backend's own storage (cpu): copy, so the caller may transfer it.
    const read = async (t: tf.Tensor) => new Float32Array((await t.data()) as Float32Array);
    const [gradValues, nonTrainable, lossValue, correctValue] = await Promise.all([
      Promise.all(grads.map(read)),
      Promise.all(model.nonTrainableWeights.map((w) => read(w.read()))),
      loss.data(),
      correct.data(),
    ]);
    return { grads: gradValues, nonTrainable, loss: lossValue[0], correct: correctValue[0] };
  } finally {
    tf.dispose([loss, correct, ...grads]);
  }
}
