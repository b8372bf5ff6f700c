import * as tfl from '@tensorflow/tfjs-layers';
import { resolveModelOptions, type ModelOptions } from './model-options.js';
import { convBnRelu, linear } from './pytorch-layers.js';

/** Options of {@link smallCnn}. */
export interface SmallCnnOptions extends ModelOptions {
  /** Channels of the three conv stages (default `[16, 32, 64]`), each a positive integer. */
  widths?: readonly [number, number, number];
}

/**
 * A small, fast CNN for tests, demos and quick experiments (not one of the paper's models):
 * three stages of 3×3 conv (no bias) + BatchNorm + ReLU with widths `[w0, w1, w2]`, a 2×2
 * max-pool after the first two, then global average pooling and `Linear(w2, numClasses)`.
 * Outputs logits. PyTorch-default initialisation and BatchNorm settings (see {@link vgg16}).
 * About 5.6 MFLOP per 32×32×3 image forward with the default widths.
 */
export function smallCnn(options: SmallCnnOptions): tfl.LayersModel {
  const { inputShape, numClasses, rng, name } = resolveModelOptions('smallCnn', options);
  const widths = options.widths ?? [16, 32, 64];
  if (!Array.isArray(widths) || widths.length !== 3 || !widths.every((w) => Number.isInteger(w) && w >= 1)) {
    throw new Error(`Error in smallCnn: widths must be three positive integers, but got ${JSON.stringify(widths)}`);
  }
  const input = tfl.input({ shape: inputShape, name: 'images' });
  let x = input;
  widths.forEach((filters, i) => {
    x = convBnRelu(x, { filters, kernelSize: 3, name: `conv${i + 1}`, rng: rng.fork(`conv${i + 1}`) });
    if (i < 2) x = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same', name: `pool${i + 1}` }).apply(x) as tfl.SymbolicTensor;
  });
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tfl.SymbolicTensor;
  const logits = linear(x, numClasses, 'logits', rng.fork('logits'));
  return tfl.model({ inputs: input, outputs: logits, name });
}
