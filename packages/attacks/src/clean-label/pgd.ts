import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Rng } from '@bdst/core';

/** Options of {@link pgdAttack}. */
export interface PgdOptions {
  /** The true label of each image (length N, integers in [0, classes)). */
  labels: Int32Array;
  /** L∞ radius of the perturbation ball, in [0, 1] pixel units (paper: 8/255, Section 5.1). Default 8/255. */
  eps?: number;
  /** Step size per iteration, same units (paper: 2/255, the "attack learning rate"). Default 2/255. */
  alpha?: number;
  /** Number of PGD iterations (paper: 10). Default 10. */
  steps?: number;
  /** Draws the random start, uniform in [−eps, eps] per value (on the host). */
  rng: Rng;
}

/**
 * Untargeted projected gradient descent (Madry et al.), as used by the clean-label attack of
 * Turner et al. (Section 5.1): starting from a uniformly random point of the L∞ ball of radius
 * `eps` around each image, takes `steps` steps of size `alpha` along the sign of the gradient
 * of the cross-entropy between `model`'s logits and the true label (maximising the loss), each
 * time projecting back onto the ball and clipping to [0, 1].
 *
 * `model` must output logits (as every bdst model does) and is run in inference mode
 * (`training: false`). `images` is NHWC float32 in [0, 1]; returns a new tensor of the same
 * shape whose every value is within `eps` of the input and inside [0, 1]. The input is not
 * disposed and no intermediate tensor is left behind.
 */
export function pgdAttack(model: LayersModel, images: tf.Tensor4D, options: PgdOptions): tf.Tensor4D {
  const caller = 'pgdAttack';
  if (!model || typeof (model as { apply?: unknown }).apply !== 'function') {
    throw new Error(`Error in ${caller}: model must be a tf.LayersModel that outputs logits, but got ${typeof model}`);
  }
  if (!(images instanceof tf.Tensor) || images.rank !== 4) {
    throw new Error(`Error in ${caller}: images must be a rank-4 NHWC tensor, but got ${images instanceof tf.Tensor ? `rank ${images.rank}` : typeof images}`);
  }
  const { labels, eps = 8 / 255, alpha = 2 / 255, steps = 10, rng } = options ?? ({} as PgdOptions);
  checkPgdNumbers(eps, alpha, steps, caller);
  const n = images.shape[0];
  const numClasses = outputClasses(model);
  if (!(labels instanceof Int32Array) || labels.length !== n) {
    throw new Error(`Error in ${caller}: labels must be an Int32Array of length ${n} (one per image), but got ${labels instanceof Int32Array ? `length ${labels.length}` : typeof labels}`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || (numClasses !== null && labels[i] >= numClasses)) {
      throw new Error(`Error in ${caller}: labels[${i}] = ${labels[i]} is outside the model's classes [0, ${numClasses ?? '?'})`);
    }
  }
  if (!rng || typeof rng.uniform !== 'function') throw new Error(`Error in ${caller}: rng must be an Rng from @bdst/core's createRng(seed)`);

  const size = images.size;
  const noise = new Float32Array(size);
  for (let i = 0; i < size; i++) noise[i] = rng.uniform(-eps, eps);

  const [lower, upper, y] = tf.tidy(() => {
    const x0 = tf.cast(images, 'float32');
    return [
      tf.clipByValue(tf.sub(x0, eps), 0, 1),
      tf.clipByValue(tf.add(x0, eps), 0, 1),
      tf.tensor1d(labels, 'int32'),
    ] as const;
  });
  const project = (x: tf.Tensor): tf.Tensor4D => tf.minimum(tf.maximum(x, lower), upper) as tf.Tensor4D;
  let x = tf.tidy(() => project(tf.add(images, tf.tensor(noise, images.shape, 'float32'))));
  const lossOf = (input: tf.Tensor): tf.Scalar => {
    const logits = model.apply(input, { training: false }) as tf.Tensor2D;
    return tf.losses.softmaxCrossEntropy(tf.oneHot(y, logits.shape[1]), logits) as tf.Scalar;
  };
  const gradient = tf.grad(lossOf);
  try {
    for (let s = 0; s < steps; s++) {
      const current = x;
      x = tf.tidy(() => project(tf.add(current, tf.mul(alpha, tf.sign(gradient(current))))));
      current.dispose();
    }
  } catch (error) {
    x.dispose();
    throw error;
  } finally {
    lower.dispose();
    upper.dispose();
    y.dispose();
  }
  return x;
}

/** Throws unless eps ∈ [0, 1], alpha ≥ 0 and steps is a non-negative integer. */
export function checkPgdNumbers(eps: number, alpha: number, steps: number, caller: string): void {
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) throw new Error(`Error in ${caller}: eps must be a number in [0, 1] (e.g. 8/255), but got ${eps}`);
  if (typeof alpha !== 'number' || !(alpha >= 0 && Number.isFinite(alpha))) throw new Error(`Error in ${caller}: alpha must be a non-negative number (e.g. 2/255), but got ${alpha}`);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`Error in ${caller}: steps must be a non-negative integer, but got ${steps}`);
}

/** The number of classes a model's (single) output has, or null when its shape does not say. */
export function outputClasses(model: LayersModel): number | null {
  const shape = model.outputs?.[0]?.shape;
  const last = shape?.[shape.length - 1];
  return typeof last === 'number' ? last : null;
}
