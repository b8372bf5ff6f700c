/**
 * Per-layer times of ResNet-18's convolution shapes (32×32 CIFAR input) on the WASM backend: the
 * forward convolution and bdst's two gradient kernels, `Conv2DBackpropInput` and
 * `Conv2DBackpropFilter`, each the median of `--runs` calls after one warm-up, and each as a
 * multiple of the forward time. The forward is timed with a new filter tensor per call (as in
 * training, where the weights change every step, so XNNPACK repacks them). Not part of
 * `npm run bench`; used to choose the gradient kernels' strategies (see bench/README.md).
 *
 *   node --conditions source --import tsx bench/conv-gradients.ts [--batch 128] [--threads 1] [--runs 5] [--model resnet18|cnn-16-32-64|cnn-64-128-256]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@bdst/core';
import { median } from './median.js';

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

type Layer = [string, number, number, number, number, number];

/** [label, input size, input channels, output channels, filter size, stride] of ResNet-18's convolutions. */
const RESNET18_LAYERS: Layer[] = [
  ['3x3 s1 32x32 64->64', 32, 64, 64, 3, 1],
  ['3x3 s2 32x32 64->128', 32, 64, 128, 3, 2],
  ['1x1 s2 32x32 64->128', 32, 64, 128, 1, 2],
  ['3x3 s1 16x16 128->128', 16, 128, 128, 3, 1],
  ['3x3 s2 16x16 128->256', 16, 128, 256, 3, 2],
  ['3x3 s1 8x8 256->256', 8, 256, 256, 3, 1],
  ['3x3 s2 8x8 256->512', 8, 256, 512, 3, 2],
  ['3x3 s1 4x4 512->512', 4, 512, 512, 3, 1],
];

/** The three 3×3 'same' convolutions of `smallCnn` at `widths` (32×32×3 input, 2×2 pools between). */
function smallCnnLayers(widths: number[]): Layer[] {
  return widths.map((width, i) => {
    const size = 32 >> i;
    const inChannels = i === 0 ? 3 : widths[i - 1];
    return [`3x3 s1 ${size}x${size} ${inChannels}->${width}`, size, inChannels, width, 3, 1];
  });
}

function timeMs(runs: number, call: () => tf.Tensor): number {
  tf.dispose(call());
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = call(); // the wasm backend computes synchronously
    times.push(performance.now() - start);
    out.dispose();
  }
  return median(times);
}

async function main(): Promise<void> {
  const batch = Number(argument('batch', '128'));
  const threads = Number(argument('threads', '1'));
  const runs = Number(argument('runs', '5'));
  const model = argument('model', 'resnet18');
  const layers = model === 'resnet18' ? RESNET18_LAYERS : smallCnnLayers(model.slice(4).split('-').map(Number));
  const info = await initBackend({ backend: 'wasm', threads, quiet: true });
  console.log(`${model} layers, batch ${batch}, ${info.description}, median of ${runs}`);
  console.log('| layer | forward ms | GFLOP/s | input gradient ms | × forward | filter gradient ms | × forward |\n|---|---:|---:|---:|---:|---:|---:|');
  for (const [label, size, inChannels, outChannels, k, stride] of layers) {
    const pad = k === 1 ? 'valid' : 'same';
    const x = tf.randomNormal([batch, size, size, inChannels]) as tf.Tensor4D;
    const filter = tf.randomNormal([k, k, inChannels, outChannels]) as tf.Tensor4D;
    const outSize = Math.ceil(size / stride);
    const dy = tf.randomNormal([batch, outSize, outSize, outChannels]) as tf.Tensor4D;
    const attrs = { strides: stride, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: 1 };
    const forward = timeMs(runs, () =>
      tf.tidy(() => tf.conv2d(x, tf.add(filter, 0) as tf.Tensor4D, stride, pad)),
    );
    const copy = timeMs(runs, () => tf.add(filter, 0));
    const input = timeMs(runs, () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor);
    const filterGrad = timeMs(runs, () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor);
    const fwd = forward - copy;
    const gflops = (2 * batch * outSize * outSize * outChannels * inChannels * k * k) / 1e9;
    console.log(`| ${label} | ${fwd.toFixed(0)} | ${(gflops / (fwd / 1e3)).toFixed(1)} | ${input.toFixed(0)} | ${(input / fwd).toFixed(2)} | ${filterGrad.toFixed(0)} | ${(filterGrad / fwd).toFixed(2)} |`);
    tf.dispose([x, filter, dy]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
