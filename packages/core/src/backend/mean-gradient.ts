import { backend_util, div, fill, getGradient, Mean, mul, registerGradient, reshape, util } from '@tensorflow/tfjs-core';
import type { GradConfig, MeanAttrs, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

/**
 * The gradient of `Mean` (global average pooling, `tf.mean`): `dy · ones(x.shape) / n`, as tfjs
 * 4.22 computes it, with the ones made by the backend's `Fill` kernel. tfjs's `ones` builds them
 * on the host in a JavaScript loop and uploads them on every step (2 MiB for smallCnn's pooling
 * input at batch 128: ~3 of the stock gradient's 5.3 ms on wasm, and enough new ArrayBuffers to
 * make V8 run a full garbage collection every ~0.75 s). The same ops on the same values: the same
 * bits (tested against the stock gradient). (A broadcast of `dy / n` would skip the ones, but
 * tfjs-backend-wasm's `Tile` takes ~30 ms for that shape.)
 */
export const meanGradientConfig: GradConfig = {
  kernelName: Mean,
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    const axes = util.parseAxisParam((attrs as unknown as MeanAttrs).axis, x.shape);
    const reduceSize = util.sizeFromShape(backend_util.computeOutAndReduceShapes(x.shape, axes)[1]);
    return {
      x: () => {
        const expandedShape = x.shape.slice();
        for (const axis of axes) expandedShape[axis] = 1;
        return div(mul(reshape(dy as Tensor, expandedShape), fill(x.shape, 1, 'float32')), reduceSize);
      },
    };
  },
};

/**
 * Registers {@link meanGradientConfig} in tfjs-core's gradient registry (for every backend; once).
 * Gradients are registered by kernel name, process-wide; the stock one is replaced.
 */
export function installMeanGradient(): void {
  if (getGradient(Mean) === meanGradientConfig) return;
  registerGradient(meanGradientConfig);
}
