import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batchGradients } from './batch-gradients.js';
import { copyTensorsToHost } from './host-values.js';

/** One data-parallel shard's loss and correct count (its gradients go to the caller's buffer). */
export interface ShardResult {
  /** Mean softmax cross-entropy over the shard. */
  loss: number;
  /** Correctly classified samples of the shard. */
  correct: number;
}

/**
 * How many float32 values {@link shardGradients} writes for `model`: every trainable weight (its
 * gradient), then every non-trainable weight (its value after the shard's forward).
 */
export function shardValueCount(model: tfl.LayersModel): number {
  return [...model.trainableWeights, ...model.nonTrainableWeights].reduce((sum, w) => sum + tf.util.sizeFromShape(w.shape as number[]), 0);
}

/**
 * Runs {@link batchGradients} on one shard (forward in training mode, which updates `model`'s
 * BatchNorm moving statistics in place) and writes, end to end into `out` (length
 * {@link shardValueCount}): d(shard mean loss)/dw for every weight of `model.trainableWeights`,
 * then the values of `model.nonTrainableWeights` (the moving mean / variance as the shard's
 * forward left them). {@link ReplicaPool} combines these across replicas; `out` is a buffer it
 * reuses from step to step (a SharedArrayBuffer for a worker), so nothing is allocated on the
 * host per step. Disposes every tensor it creates.
 */
export async function shardGradients(model: tfl.LayersModel, images: tf.Tensor4D, labels: Int32Array, out: Float32Array): Promise<ShardResult> {
  const count = shardValueCount(model);
  if (out.length !== count) throw new Error(`shardGradients: out holds ${out.length} values, the model's gradients and moving statistics take ${count}`);
  const { grads, loss, correct } = batchGradients('ReplicaPool.step', model, images, labels);
  try {
    const at = copyTensorsToHost(grads, out, 0);
    copyTensorsToHost(model.nonTrainableWeights.map((w) => w.read()), out, at);
    const [lossValue, correctValue] = await Promise.all([loss.data(), correct.data()]);
    return { loss: lossValue[0], correct: correctValue[0] };
  } finally {
    tf.dispose([loss, correct, ...grads]);
  }
}
