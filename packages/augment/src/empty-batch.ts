import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';

/**
 * A new, empty `[0, h, w, c]` batch. Every kernel returns this for an N = 0 input, after checking
 * its arguments and before any tensor work: several tfjs kernels (the CPU backend's `slice`,
 * batched `gather`, reshapes with an inferred dimension) fail on tensors with no elements, and an
 * empty batch must still work (torchvision's `check_kernel`). Internal to the package.
 */
export function emptyBatch(h: number, w: number, c: number): Tensor4D {
  return tf.zeros([0, h, w, c]);
}
