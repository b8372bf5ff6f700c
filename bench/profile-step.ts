/**
 * Kernel time by op of one `smallCnn` / `vgg16` / `resnet18` training step on the WASM backend
 * (tf.profile), to find where a step's time goes. Not part of `npm run bench`.
 *
 *   node --conditions source --import tsx bench/profile-step.ts [--model cnn-64-128-256|cnn-16-32-64|vgg16|resnet18] [--batch 64] [--threads 1] [--steps 1] [--by-shape]
 *
 * `--by-shape` keys the table by op and input shapes (e.g. each layer's `Conv2DBackpropFilter`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { median } from './median.js';
import { initBackend, resnet18, SgdMomentum, smallCnn, trainStep, vgg16 } from '@bdst/core';

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

async function main(): Promise<void> {
  const which = argument('model', 'cnn-64-128-256');
  const batch = Number(argument('batch', '64'));
  const threads = Number(argument('threads', '1'));
  const info = await initBackend({ backend: 'wasm', threads, quiet: true });
  const options = { inputShape: [32, 32, 3] as const, numClasses: 10 };
  const model =
    which === 'vgg16'
      ? vgg16(options)
      : which === 'resnet18'
        ? resnet18(options)
        : smallCnn({ ...options, widths: which.slice(4).split('-').map(Number) as [number, number, number] });
  const optimizer = new SgdMomentum({ lr: 0.01 });
  const images = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  for (let i = 0; i < 3; i++) await trainStep(model, optimizer, images, labels); // warm-up (JIT of the JS kernels)
  const steps = Number(argument('steps', '1'));
  const byShape = process.argv.includes('--by-shape');
  const walls: number[] = [];
  const samples = new Map<string, { ms: number[]; calls: number }>();
  let profile: Awaited<ReturnType<typeof tf.profile>> | undefined;
  for (let s = 0; s < steps; s++) {
    const start = performance.now();
    profile = await tf.profile(async () => {
      await trainStep(model, optimizer, images, labels);
      walls.push(performance.now() - start);
    });
    const stepByOp = new Map<string, { ms: number; calls: number }>();
    for (const kernel of profile.kernels) {
      const key = byShape ? `${kernel.name} ${kernel.inputShapes.map((shape) => `[${shape?.join('×') ?? ''}]`).join(' ')}` : kernel.name;
      const entry = stepByOp.get(key) ?? { ms: 0, calls: 0 };
      entry.ms += Number(kernel.kernelTimeMs);
      entry.calls++;
      stepByOp.set(key, entry);
    }
    for (const [name, e] of stepByOp) {
      const sample = samples.get(name) ?? { ms: [], calls: e.calls };
      sample.ms.push(e.ms);
      samples.set(name, sample);
    }
  }
  const byOp = new Map([...samples].map(([name, e]) => [name, { ms: median(e.ms), calls: e.calls }]));
  const wall = median(walls);
  const total = [...byOp.values()].reduce((sum, e) => sum + e.ms, 0);
  console.log(`${which}, batch ${batch}, ${info.description}: median of ${steps} profiled steps: step ${wall.toFixed(0)} ms wall, kernels ${total.toFixed(0)} ms, peak ${(profile!.peakBytes / 2 ** 20).toFixed(0)} MiB`);
  console.log('| op | ms | % of kernel time | calls |\n|---|---:|---:|---:|');
  for (const [name, e] of [...byOp.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`| ${name} | ${e.ms.toFixed(1)} | ${((100 * e.ms) / total).toFixed(1)} | ${e.calls} |`);
  }
  tf.dispose(images);
  optimizer.dispose();
  model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
