import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmKernelArgs } from './fast-path-kernel.js';
import { heapOffset } from './run-wasm-kernel.js';
import { simdKernels } from './simd-kernels.js';

/**
 * Kernel name of {@link sgdMomentumUpdateConfig}. Inputs `{ w, g, b? }` (variable, gradient,
 * momentum buffer: absent on the first step or with momentum 0), attrs `{ lr, momentum,
 * weightDecay, first }`; outputs `[w′]`, or `[w′, b′]` with momentum.
 */
export const SGD_MOMENTUM_UPDATE = 'BdstSgdMomentumUpdate';

/**
 * One SGD step with momentum and L2 weight decay for one float32 variable, in one pass over its
 * values (bdst's WebAssembly SIMD kernel, packages/core/kernels/sgd-momentum.c; a JavaScript loop
 * with float32 rounding where the kernels cannot run):
 *
 *   g′ = g + weightDecay·w;  b′ = first ? g′ : momentum·b + g′;  w′ = w − lr·(momentum ? b′ : g′).
 *
 * Each operation is one float32 multiply or add, rounded as the six separate tfjs ops that
 * `SgdMomentum` runs on other backends round them, so the results are the same bit for bit;
 * a ResNet-18 step's update (11.2 M values) takes one call per variable instead of six and
 * no intermediate tensors.
 */
function sgdMomentumUpdate({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo[] {
  const { w, g, b } = inputs as { w: TensorInfo; g: TensorInfo; b?: TensorInfo };
  const lr = attrs.lr as number;
  const momentum = attrs.momentum as number;
  const weightDecay = attrs.weightDecay as number;
  const first = attrs.first === true;
  const hasMomentum = momentum !== 0;
  for (const [name, t] of [['w', w], ['g', g], ['b', b]] as const) {
    if (t === undefined) continue;
    if (t.dtype !== 'float32' || t.shape.join() !== w.shape.join()) {
      throw new Error(`${SGD_MOMENTUM_UPDATE}: ${name} must be float32 of the variable's shape [${w.shape}], got ${t.dtype} [${t.shape}]`);
    }
  }
  if (hasMomentum && !first && b === undefined) throw new Error(`${SGD_MOMENTUM_UPDATE}: momentum ${momentum} after the first step needs the momentum buffer b`);
  const wOut = backend.makeOutput(w.shape, 'float32');
  const bOut = hasMomentum ? backend.makeOutput(w.shape, 'float32') : null;
  const size = w.shape.reduce((a, c) => a * c, 1);
  const kernels = simdKernels(backend);
  if (kernels !== null) {
    kernels.sgd_momentum(
      heapOffset(backend, w), heapOffset(backend, g), b === undefined ? 0 : heapOffset(backend, b),
      heapOffset(backend, wOut), bOut === null ? 0 : heapOffset(backend, bOut),
      size, lr, momentum, weightDecay, hasMomentum ? 1 : 0, weightDecay !== 0 ? 1 : 0, first ? 1 : 0,
    );
  } else {
    const heap = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    const [ws, gs, wo] = [heap(w), heap(g), heap(wOut)];
    const bs = b === undefined ? null : heap(b);
    const bo = bOut === null ? null : heap(bOut);
    const [lr32, mu32, wd32] = [Math.fround(lr), Math.fround(momentum), Math.fround(weightDecay)];
    for (let i = 0; i < size; i++) {
      let step = gs[i];
      if (weightDecay !== 0) step = Math.fround(step + Math.fround(wd32 * ws[i]));
      if (bo !== null) {
        if (!first) step = Math.fround(Math.fround(mu32 * bs![i]) + step);
        bo[i] = step;
      }
      wo[i] = ws[i] - Math.fround(lr32 * step);
    }
  }
  return bOut === null ? [wOut] : [wOut, bOut];
}

/** Kernel config of bdst's fused SGD-with-momentum update for 'wasm' (used by `SgdMomentum`). */
export const sgdMomentumUpdateConfig: KernelConfig = {
  kernelName: SGD_MOMENTUM_UPDATE,
  backendName: 'wasm',
  kernelFunc: sgdMomentumUpdate as unknown as KernelFunc,
};
