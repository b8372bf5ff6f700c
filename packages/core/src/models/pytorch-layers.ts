import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../rng/rng.js';
import { pytorchBiasInit, pytorchWeightInit } from './pytorch-init.js';

/**
 * BatchNorm settings matching PyTorch's `BatchNorm2d` defaults (momentum 0.1, eps 1e-5): Keras'
 * momentum is the decay of the old value, so PyTorch's 0.1 is Keras' 0.9. One known difference:
 * tfjs updates the moving variance with the biased batch variance, PyTorch with the unbiased one
 * (a factor n/(n−1), n = batch·H·W, negligible except on tiny feature maps).
 */
export const PYTORCH_BATCH_NORM = { momentum: 0.9, epsilon: 1e-5 } as const;

/** Options of {@link conv2d} and {@link convBnRelu}. */
export interface ConvSpec {
  /** Output channels. */
  filters: number;
  /** Square kernel size (3 or 1 in the paper's models). */
  kernelSize: number;
  /** Stride (default 1). */
  strides?: number;
  /** Whether the conv has a bias (PyTorch `bias=`; default false: BatchNorm follows). */
  useBias?: boolean;
  /** Layer name prefix, unique within the model. */
  name: string;
  /** Seeds for the initialisers. */
  rng: Rng;
}

/**
 * A PyTorch-style `Conv2d(k, stride, padding=k//2)`: 'same' padding at stride 1; at stride > 1 an
 * explicit symmetric zero padding then a 'valid' conv, so the sampled positions are those of
 * PyTorch (tfjs 'same' pads only bottom/right at stride 2, shifting the grid by one pixel
 * relative to a 1×1 stride-2 shortcut). PyTorch default initialisation.
 */
export function conv2d(x: tfl.SymbolicTensor, spec: ConvSpec): tfl.SymbolicTensor {
  const strides = spec.strides ?? 1;
  const useBias = spec.useBias ?? false;
  const inChannels = x.shape[x.shape.length - 1] as number;
  const fanIn = spec.kernelSize * spec.kernelSize * inChannels;
  const pad = Math.floor(spec.kernelSize / 2);
  let input = x;
  let padding: 'same' | 'valid' = 'same';
  if (strides > 1) {
    padding = 'valid';
    if (pad > 0) input = tfl.layers.zeroPadding2d({ padding: pad, name: `${spec.name}_pad` }).apply(x) as tfl.SymbolicTensor;
  }
  return tfl.layers
    .conv2d({
      filters: spec.filters,
      kernelSize: spec.kernelSize,
      strides,
      padding,
      useBias,
      kernelInitializer: pytorchWeightInit(spec.rng),
      ...(useBias && { biasInitializer: pytorchBiasInit(fanIn, spec.rng) }),
      name: spec.name,
    })
    .apply(input) as tfl.SymbolicTensor;
}

/** PyTorch-default `BatchNorm2d` (gamma 1, beta 0, momentum 0.1, eps 1e-5) over channels. */
export function batchNorm(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
  return tfl.layers.batchNormalization({ axis: -1, ...PYTORCH_BATCH_NORM, name }).apply(x) as tfl.SymbolicTensor;
}

/** ReLU as its own layer. */
export function relu(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
  return tfl.layers.reLU({ name }).apply(x) as tfl.SymbolicTensor;
}

/** `conv → BatchNorm → ReLU`, the unit of VGG-BN and of {@link smallCnn}. */
export function convBnRelu(x: tfl.SymbolicTensor, spec: ConvSpec): tfl.SymbolicTensor {
  return relu(batchNorm(conv2d(x, spec), `${spec.name}_bn`), `${spec.name}_relu`);
}

/** PyTorch-default `Linear(in, units)` producing logits (no activation). */
export function linear(x: tfl.SymbolicTensor, units: number, name: string, rng: Rng): tfl.SymbolicTensor {
  const fanIn = x.shape[x.shape.length - 1] as number;
  return tfl.layers
    .dense({ units, kernelInitializer: pytorchWeightInit(rng), biasInitializer: pytorchBiasInit(fanIn, rng), name })
    .apply(x) as tfl.SymbolicTensor;
}
