/**
 * Throughput of the WASM convolution kernels: forward `Conv2D`, bdst's `Conv2DBackpropFilter`
 * and `Conv2DBackpropInput`, and tfjs-backend-wasm's stock `Conv2DBackpropInput`, in GFLOP/s
 * (2 · N · OH · OW · KH · KW · Ci · Co floating-point operations per call), median of several
 * runs after one warm-up. Not a test.
 *
 *   npx tsx packages/core/test/backend/conv-throughput.bench.ts [--batch 128] [--runs 5] [--layer all|s1|s2]
 *
 * Layers: s1 = 16×16×128 → 128, 3×3, stride 1, 'same' (the realistic ResNet-18 stage-3 shape);
 * s2 = 16×16×64 → 128, 3×3, stride 2, 'same' (a down-sampling layer).
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../src/backend/index.js';

interface Layer {
  name: string;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
}

const LAYERS: Record<string, Layer> = {
  s1: { name: '16x16x128 -> 128, 3x3, stride 1, same', height: 16, width: 16, inChannels: 128, outChannels: 128, kernel: 3, stride: 1 },
  s2: { name: '16x16x64 -> 128, 3x3, stride 2, same', height: 16, width: 16, inChannels: 64, outChannels: 128, kernel: 3, stride: 2 },
};

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Times `run` (synchronous on WASM) `runs` times after one warm-up; returns milliseconds. */
function time(run: () => tf.Tensor, runs: number): number[] {
  run().dispose();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = run();
    out.dataSync();
    ms.push(performance.now() - start);
    out.dispose();
  }
  return ms;
}

async function main(): Promise<void> {
  const batch = Number(argument('batch', '128'));
  const runs = Number(argument('runs', '5'));
  const which = argument('layer', 'all');
  // The stock kernel config, captured before bdst's registration replaces it.
  const stockBackpropInput: KernelConfig | undefined = { ...getKernel('Conv2DBackpropInput', 'wasm')! };
  const info = await initBackend({ backend: 'wasm', quiet: true });
  console.log(`backend: ${info.description}; batch ${batch}; median of ${runs} runs`);
  const backend = tf.engine().backend;

  for (const key of which === 'all' ? Object.keys(LAYERS) : [which]) {
    const layer = LAYERS[key];
    if (!layer) throw new Error(`--layer must be one of all, ${Object.keys(LAYERS).join(', ')}; got '${which}'`);
    const x = tf.randomNormal([batch, layer.height, layer.width, layer.inChannels]) as tf.Tensor4D;
    const w = tf.randomNormal([layer.kernel, layer.kernel, layer.inChannels, layer.outChannels]) as tf.Tensor4D;
    const y = tf.conv2d(x, w, layer.stride, 'same');
    const dy = tf.randomNormal(y.shape);
    const [, oh, ow] = y.shape;
    const gflop = (2 * batch * oh * ow * layer.kernel * layer.kernel * layer.inChannels * layer.outChannels) / 1e9;
    const attrs = { strides: layer.stride, pad: 'same', dataFormat: 'NHWC' } as const;
    const cases: Array<[string, () => tf.Tensor]> = [
      ['Conv2D (forward)', () => tf.conv2d(x, w, layer.stride, 'same')],
      ['Conv2DBackpropFilter (bdst)', () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape } as unknown as NamedAttrMap) as tf.Tensor],
      ['Conv2DBackpropInput (bdst)', () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape } as unknown as NamedAttrMap) as tf.Tensor],
    ];
    if (stockBackpropInput?.kernelFunc) {
      const stock = stockBackpropInput.kernelFunc;
      cases.push([
        'Conv2DBackpropInput (stock tfjs-backend-wasm)',
        () => {
          const out = stock({ inputs: { dy, filter: w }, backend, attrs: { ...attrs, inputShape: x.shape } as unknown as NamedAttrMap }) as TensorInfo;
          return tf.engine().makeTensorFromTensorInfo(out);
        },
      ]);
    }
    console.log(`\n${layer.name}: ${gflop.toFixed(2)} GFLOP per call`);
    for (const [label, run] of cases) {
      const ms = time(run, runs);
      const m = median(ms);
      console.log(`  ${label.padEnd(46)} ${(gflop / (m / 1000)).toFixed(1).padStart(6)} GFLOP/s  (median ${m.toFixed(0)} ms; runs ${ms.map((v) => v.toFixed(0)).join(', ')})`);
    }
    tf.dispose([x, w, y, dy]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
