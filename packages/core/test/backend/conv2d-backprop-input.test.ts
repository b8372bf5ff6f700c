import { conv2DBackpropInputConfig } from '../../src/backend/kernels/conv2d-backprop-input.js';
import { defineConvGradientKernelSpecs } from './conv-gradient-kernel-specs.js';

defineConvGradientKernelSpecs('Conv2DBackpropInput', conv2DBackpropInputConfig, 102);
