import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BATCH_NORM_TRAINING_BACKWARD, BATCH_NORM_TRAINING_FORWARD } from './kernels/batch-norm-training.js';

/** The fields of tfjs-layers' (unexported) `BatchNormalization` class this module reads. */
interface BatchNormalizationLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tfl.LayerVariable;
  beta: tfl.LayerVariable;
  movingMean: tfl.LayerVariable;
  movingVariance: tfl.LayerVariable;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

let installed = false;

/**
 * Routes the training-mode forward pass of every tfjs-layers `BatchNormalization` layer over the
 * last axis (NHWC BatchNorm, as all of bdst's models use) to two fused kernels when the active
 * backend is 'wasm': one pass pair for the batch statistics and the normalisation, and one for the
 * whole gradient (x, scale, offset; the statistics' dependence on x included). tfjs-layers
 * computes the same thing as `moments` + `batchNormalization` and differentiates ~20 small ops
 * (Multiply, Sum, Tile, Sub, …), which was ~30% of a `smallCnn` training step on WASM.
 *
 * Same semantics as the layer: batch mean and biased variance, `epsilon` inside the square root,
 * moving mean / variance updated as `moving − (moving − batch)·(1 − momentum)`. Inference mode,
 * other backends, other axes and layers without scale or centre run tfjs-layers' own code.
 * Installed once by `register-wasm-kernels.ts` (i.e. by `initBackend`); the layer class and the
 * saved models are unchanged.
 */
export function installFusedBatchNorm(): void {
  if (installed) return;
  installed = true;
  const prototype = Object.getPrototypeOf(tfl.layers.batchNormalization({})) as BatchNormalizationLayer;
  const stockCall = prototype.call;
  prototype.call = function call(this: BatchNormalizationLayer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const lastAxis = this.axis === -1 || this.axis === input.shape.length - 1;
    if (kwargs?.training !== true || !lastAxis || !this.center || !this.scale || input.dtype !== 'float32' || tf.getBackend() !== 'wasm') {
      return stockCall.call(this, inputs, kwargs);
    }
    return tf.tidy(() => fusedTrainingCall(this, input));
  };
}

function fusedTrainingCall(layer: BatchNormalizationLayer, input: tf.Tensor): tf.Tensor {
  const epsilon = layer.epsilon;
  let statistics: tf.Tensor[] = [];
  const normalize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, scale, offset] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAINING_FORWARD, { x, scale, offset }, { epsilon }) as tf.Tensor[];
    statistics = [tf.keep(mean), tf.keep(variance)];
    save([x, scale, mean, variance]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [sx, sScale, sMean, sVariance] = saved;
        return tf.engine().runKernel(BATCH_NORM_TRAINING_BACKWARD, { dy: dy as tf.Tensor, x: sx, scale: sScale, mean: sMean, variance: sVariance }, { epsilon }) as tf.Tensor[];
      },
    };
  });
  const y = normalize(input, layer.gamma.read(), layer.beta.read());
  const [mean, variance] = statistics;
  const decay = 1 - layer.momentum;
  for (const [variable, value] of [
    [layer.movingMean, mean],
    [layer.movingVariance, variance],
  ] as const) {
    const current = variable.read();
    variable.write(tf.sub(current, tf.mul(tf.sub(current, value), decay)));
  }
  tf.dispose(statistics);
  return y;
}
