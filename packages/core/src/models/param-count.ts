import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Number of trainable parameters (the way PyTorch's `sum(p.numel() for p in model.parameters())`
 * counts them: BatchNorm moving mean / variance excluded, unlike tfjs `model.countParams()`).
 */
export function trainableParamCount(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b as number), 1), 0);
}
