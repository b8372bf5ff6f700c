import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../rng/rng.js';
import { resolveModelOptions, type ModelOptions } from './model-options.js';
import { batchNorm, conv2d, linear, relu } from './pytorch-layers.js';

/**
 * One ResNet BasicBlock (He et al. 2016; kuangliu/pytorch-cifar `BasicBlock`):
 * `relu(bn(conv3x3(relu(bn(conv3x3(x, stride))))) + shortcut(x))`, where the shortcut is the
 * identity, or a 1×1 conv (stride `stride`) + BatchNorm when the stride or width changes.
 */
function basicBlock(x: tfl.SymbolicTensor, planes: number, stride: number, name: string, rng: Rng): tfl.SymbolicTensor {
  const inPlanes = x.shape[x.shape.length - 1] as number;
  let out = conv2d(x, { filters: planes, kernelSize: 3, strides: stride, name: `${name}_conv1`, rng: rng.fork('conv1') });
  out = relu(batchNorm(out, `${name}_bn1`), `${name}_relu1`);
  out = conv2d(out, { filters: planes, kernelSize: 3, name: `${name}_conv2`, rng: rng.fork('conv2') });
  out = batchNorm(out, `${name}_bn2`);
  let shortcut = x;
  if (stride !== 1 || inPlanes !== planes) {
    shortcut = conv2d(x, { filters: planes, kernelSize: 1, strides: stride, name: `${name}_shortcut`, rng: rng.fork('shortcut') });
    shortcut = batchNorm(shortcut, `${name}_shortcut_bn`);
  }
  const sum = tfl.layers.add({ name: `${name}_add` }).apply([out, shortcut]) as tfl.SymbolicTensor;
  return relu(sum, `${name}_relu2`);
}

/**
 * ResNet-18 for CIFAR-sized images, the paper's model for CIFAR-10 + 500K TinyImages and the
 * SimCLR encoder (Section 5.1), in the layout of kuangliu/pytorch-cifar: a 3×3 conv-64 stem
 * (no max-pool), four stages of two BasicBlocks with widths 64-128-256-512 (strides 1-2-2-2,
 * 1×1 conv + BatchNorm shortcuts where the stride or width changes), global average pooling and
 * `Linear(512, numClasses)`. Outputs logits. 11,173,962 trainable parameters for 10 classes.
 *
 * Convs have no bias; stride-2 3×3 convs pad one pixel on each side as PyTorch does. PyTorch
 * default initialisation; BatchNorm momentum 0.1 / eps 1e-5. Global average pooling replaces
 * kuangliu's `avg_pool2d(out, 4)` (the same at 32×32), so other input sizes work too.
 */
export function resnet18(options: ModelOptions): tfl.LayersModel {
  const { inputShape, numClasses, rng, name } = resolveModelOptions('resnet18', options);
  const input = tfl.input({ shape: inputShape, name: 'images' });
  let x = conv2d(input, { filters: 64, kernelSize: 3, name: 'stem_conv', rng: rng.fork('stem') });
  x = relu(batchNorm(x, 'stem_bn'), 'stem_relu');
  const stages: Array<[number, number]> = [[64, 1], [128, 2], [256, 2], [512, 2]];
  stages.forEach(([planes, stride], s) => {
    for (let b = 0; b < 2; b++) {
      const blockName = `layer${s + 1}_block${b + 1}`;
      x = basicBlock(x, planes, b === 0 ? stride : 1, blockName, rng.fork(blockName));
    }
  });
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tfl.SymbolicTensor;
  const logits = linear(x, numClasses, 'linear', rng.fork('linear'));
  return tfl.model({ inputs: input, outputs: logits, name });
}
