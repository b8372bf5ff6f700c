import type { Rng } from '../rng/rng.js';
import { createRng } from '../rng/rng.js';

/**
 * Options every bdst model constructor takes ({@link smallCnn}, {@link vgg16}, {@link resnet18}).
 * Models take NHWC float32 images in [0, 1] and output logits (no softmax).
 */
export interface ModelOptions {
  /** `[height, width, channels]` of one input image, e.g. `[32, 32, 3]` for CIFAR-10. */
  inputShape: readonly [number, number, number];
  /** Number of output logits (10 for CIFAR-10). */
  numClasses: number;
  /**
   * Stream the weight-initialisation seeds are drawn from. Default: a fixed stream per model
   * (`createRng(0).fork(<model name>)`), so two models built with the same options are equal.
   */
  rng?: Rng;
  /** Name of the tfjs `LayersModel` (defaults to the constructor's name, e.g. `"vgg16"`). */
  name?: string;
}

/**
 * Checks the common model options and returns them with defaults filled in. Throws
 * `Error in <fn>: …` naming the bad argument.
 */
export function resolveModelOptions(fn: string, options: ModelOptions): { inputShape: [number, number, number]; numClasses: number; rng: Rng; name: string } {
  if (options === null || typeof options !== 'object') {
    throw new Error(`Error in ${fn}: options must be an object { inputShape, numClasses }, but got ${String(options)}`);
  }
  const { inputShape, numClasses } = options;
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`Error in ${fn}: inputShape must be [height, width, channels] of positive integers, but got ${JSON.stringify(inputShape)}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`Error in ${fn}: numClasses must be a positive integer, but got ${String(numClasses)}`);
  }
  if (options.rng !== undefined && (options.rng === null || typeof options.rng.fork !== 'function')) {
    throw new Error(`Error in ${fn}: rng must be an Rng (createRng(seed)), but got ${String(options.rng)}`);
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.length === 0)) {
    throw new Error(`Error in ${fn}: name must be a non-empty string, but got ${String(options.name)}`);
  }
  return {
    inputShape: [inputShape[0], inputShape[1], inputShape[2]],
    numClasses,
    rng: options.rng ?? createRng(0).fork(fn),
    name: options.name ?? fn,
  };
}
