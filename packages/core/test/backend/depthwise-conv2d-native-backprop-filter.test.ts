import { depthwiseConv2dNativeBackpropFilterConfig } from '../../src/backend/kernels/depthwise-conv2d-native-backprop-filter.js';
import { defineConvGradientKernelSpecs } from './conv-gradient-kernel-specs.js';

defineConvGradientKernelSpecs('DepthwiseConv2dNativeBackpropFilter', depthwiseConv2dNativeBackpropFilterConfig, 103);
