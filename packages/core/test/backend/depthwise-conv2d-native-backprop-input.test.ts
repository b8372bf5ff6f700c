import { depthwiseConv2dNativeBackpropInputConfig } from '../../src/backend/kernels/depthwise-conv2d-native-backprop-input.js';
import { defineConvGradientKernelSpecs } from './conv-gradient-kernel-specs.js';

defineConvGradientKernelSpecs('DepthwiseConv2dNativeBackpropInput', depthwiseConv2dNativeBackpropInputConfig, 104);
