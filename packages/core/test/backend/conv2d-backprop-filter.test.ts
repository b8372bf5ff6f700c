import { conv2DBackpropFilterConfig } from '../../src/backend/kernels/conv2d-backprop-filter.js';
import { defineConvGradientKernelSpecs } from './conv-gradient-kernel-specs.js';

defineConvGradientKernelSpecs('Conv2DBackpropFilter', conv2DBackpropFilterConfig, 101);
