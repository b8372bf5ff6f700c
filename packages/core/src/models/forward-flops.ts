import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Floating-point operations of one forward pass for ONE image, counted analytically from the
 * model's `Conv2D` and `Dense` layers: 2 · (multiply–adds) = 2 · outH · outW · kh · kw · inC · outC
 * per conv and 2 · in · out per dense layer. BatchNorm, activations, pooling and biases are
 * ignored (they are a few percent). A training step costs about 3× this per image (forward,
 * gradient w.r.t. inputs, gradient w.r.t. weights).
 */
export function forwardFlops(model: tfl.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls !== 'Conv2D' && cls !== 'Dense') continue;
    const kernel = layer.weights.find((w) => w.originalName.endsWith('kernel'));
    if (!kernel) continue;
    const kernelSize = kernel.shape.reduce((a: number, b) => a * (b as number), 1);
    const out = layer.outputShape as Array<number | null>;
    // Conv2D output [null, h, w, c]: each output position costs one kernel-sized dot product
    // per output channel; kernelSize already includes outC.
    const positions = cls === 'Conv2D' ? (out[1] as number) * (out[2] as number) : 1;
    flops += 2 * positions * kernelSize;
  }
  return flops;
}
