export { smallCnn } from './small-cnn.js';
export type { SmallCnnOptions } from './small-cnn.js';
export { vgg16, VGG16_LAYOUT } from './vgg16.js';
export { resnet18 } from './resnet18.js';
export type { ModelOptions } from './model-options.js';
export { PYTORCH_BATCH_NORM } from './pytorch-layers.js';
export { forwardFlops } from './forward-flops.js';
export { trainableParamCount } from './param-count.js';
