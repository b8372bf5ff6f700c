/**
 * How fast each core of this machine trains, alone and with every core busy: the ceiling a
 * data-parallel run can reach here, to read next to `npm run bench`'s "vs tfjs 1 thread" column.
 * Not part of `npm run bench`.
 *
 *   node --conditions source --import tsx bench/core-speeds.ts [--model cnn-16-32-64|cnn-64-128-256|resnet18] [--batch 128] [--seconds 6] [--rounds 3]
 *
 * Each round runs a one-thread WASM training loop (`trainStep`, batch `--batch`) pinned with
 * `taskset` to core 0 alone, then to core 1 alone (and so on), then one loop per core at once,
 * each for `--seconds` after 1.5 s of warm-up, in separate processes, and prints each loop's
 * median step time. The ceiling is the steps per second of all cores together over those of the
 * fastest core alone: the most that replicas on every core can gain over the one-thread row when
 * that row runs on the fastest core (on a machine whose cores are equal and do not slow each
 * other, the core count). On this 2-core VM the cores' speeds differ by up to 1.5× for minutes at
 * a time (2026-11-26: one core 71–76 ms per 64-image smallCnn step, the other 110–118 ms).
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, resnet18, SgdMomentum, smallCnn, trainStep } from '@bdst/core';
import { median } from './median.js';

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const model = argument('model', 'cnn-16-32-64');
const batch = Number(argument('batch', '128'));
const seconds = Number(argument('seconds', '6'));
const rounds = Number(argument('rounds', '3'));
if (!/^cnn-\d+-\d+-\d+$/.test(model) && model !== 'resnet18') throw new Error(`core-speeds: --model must be cnn-W1-W2-W3 (e.g. cnn-16-32-64) or resnet18, but got ${model}`);
for (const [flag, value] of [['batch', batch], ['seconds', seconds], ['rounds', rounds]] as const) {
  if (!(value > 0)) throw new Error(`core-speeds: --${flag} must be a positive number, but got ${value}`);
}

/** The child: trains on one thread until `seconds` have passed after warm-up; prints the median step in ms. */
async function loop(): Promise<void> {
  await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  const net =
    model === 'resnet18'
      ? resnet18({ inputShape: [32, 32, 3], numClasses: 10 })
      : smallCnn({ inputShape: [32, 32, 3], numClasses: 10, widths: model.slice(4).split('-').map(Number) as [number, number, number] });
  const optimizer = new SgdMomentum({ lr: 0.01 });
  const images = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  const warm = performance.now();
  while (performance.now() - warm < 1500) await trainStep(net, optimizer, images, labels);
  const steps: number[] = [];
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || steps.length < 3) {
    const t = performance.now();
    await trainStep(net, optimizer, images, labels);
    steps.push(performance.now() - t);
  }
  console.log(JSON.stringify({ medianMs: median(steps), steps: steps.length }));
}

/** Runs one loop pinned to each of `cores` at once; resolves with their median step times (ms). */
function pinned(cores: number[]): Promise<number[]> {
  const script = fileURLToPath(import.meta.url);
  return Promise.all(
    cores.map(
      (core) =>
        new Promise<number>((resolve, reject) => {
          const child = spawn('taskset', ['-c', String(core), process.execPath, ...process.execArgv, script, '--child', '--model', model, '--batch', String(batch), '--seconds', String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.on('error', (error) => reject(new Error(`core-speeds: could not start taskset (util-linux): ${error.message}`)));
          child.on('exit', (code) => {
            const line = out.split('\n').find((l) => l.startsWith('{'));
            if (code !== 0 || !line) reject(new Error(`core-speeds: the loop on core ${core} exited with code ${code}`));
            else resolve((JSON.parse(line) as { medianMs: number }).medianMs);
          });
        }),
    ),
  );
}

async function main(): Promise<void> {
  const cores = Array.from({ length: availableParallelism() }, (_, i) => i);
  console.log(`${model}, batch ${batch}, one WASM thread per loop, ${seconds} s per measurement, cores ${cores.join(', ')}`);
  console.log(`| round | ${cores.map((c) => `core ${c} alone, ms`).join(' | ')} | ${cores.map((c) => `core ${c} with all busy, ms`).join(' | ')} | ceiling × fastest core alone |`);
  console.log(`|---|${cores.map(() => '---:|').join('')}${cores.map(() => '---:|').join('')}---:|`);
  const ceilings: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const alone: number[] = [];
    for (const core of cores) alone.push((await pinned([core]))[0]);
    const together = await pinned(cores);
    const ceiling = together.reduce((sum, ms) => sum + 1 / ms, 0) / Math.max(...alone.map((ms) => 1 / ms));
    ceilings.push(ceiling);
    console.log(`| ${round} | ${alone.map((ms) => ms.toFixed(1)).join(' | ')} | ${together.map((ms) => ms.toFixed(1)).join(' | ')} | ${ceiling.toFixed(2)}× |`);
  }
  console.log(`ceiling: median ${median(ceilings).toFixed(2)}× (range ${Math.min(...ceilings).toFixed(2)}–${Math.max(...ceilings).toFixed(2)}×)`);
}

await (process.argv.includes('--child') ? loop() : main());
