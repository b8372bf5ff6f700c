import * as tfl from '@tensorflow/tfjs-layers';
import { resolveModelOptions, type ModelOptions } from './model-options.js';
import { convBnRelu, linear } from './pytorch-layers.js';

/** Conv widths and max-pools ('M') of VGG-16, as in kuangliu/pytorch-cifar `cfg['VGG16']`. */
export const VGG16_LAYOUT = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'] as const;

/**
 * VGG-16 with batch norm for CIFAR-sized images, the paper's model for CIFAR-10 (Section 5.1),
 * in the layout of kuangliu/pytorch-cifar: 13 × (3×3 conv with bias + BatchNorm + ReLU), 5 2×2
 * max-pools, then `Linear(512, numClasses)`. Outputs logits. 14,728,266 trainable parameters for
 * 10 classes (as PyTorch counts them).
 *
 * Differences that keep other input sizes working: the max-pools use 'same' padding (PyTorch
 * `ceil_mode=True`; identical for even sizes) and the features are global-average-pooled before
 * the linear layer (identical to kuangliu's flatten at 32×32, where the map is 1×1), so e.g.
 * 28×28 Fashion-MNIST images work too. Initialisation is PyTorch's default
 * (`kaiming_uniform_(a=√5)` weights, U(±1/√fan_in) biases), BatchNorm momentum 0.1 / eps 1e-5.
 */
export function vgg16(options: ModelOptions): tfl.LayersModel {
  const { inputShape, numClasses, rng, name } = resolveModelOptions('vgg16', options);
  const input = tfl.input({ shape: inputShape, name: 'images' });
  let x = input;
  let conv = 0;
  let pool = 0;
  for (const item of VGG16_LAYOUT) {
    if (item === 'M') {
      pool++;
      x = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same', name: `pool${pool}` }).apply(x) as tfl.SymbolicTensor;
    } else {
      conv++;
      x = convBnRelu(x, { filters: item, kernelSize: 3, useBias: true, name: `conv${conv}`, rng: rng.fork(`conv${conv}`) });
    }
  }
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tfl.SymbolicTensor;
  const logits = linear(x, numClasses, 'classifier', rng.fork('classifier'));
  return tfl.model({ inputs: input, outputs: logits, name });
}
