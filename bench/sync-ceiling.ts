/**
 * The most a synchronous data-parallel step with the batch split in fixed equal halves (as
 * `ReplicaPool` splits it, for deterministic results) can gain on this machine: two worker threads in one
 * process, each training its own copy of the model on half the batch with a one-thread WASM
 * `trainStep`, meeting at a barrier (`Atomics.wait`) after every step. Nothing is exchanged and
 * nothing is combined, so this is a 2-replica step with no pool overhead at all; it only keeps
 * what any synchronous step keeps — each step lasts as long as the slower half. Not part of
 * `npm run bench` (issue 8 evidence).
 *
 *   node --conditions source --import tsx bench/sync-ceiling.ts [--model cnn-16-32-64|cnn-64-128-256] [--batch 128] [--steps 16] [--blocks 6]
 *
 * Each block times, on worker A, `--steps / 2` one-thread steps of the whole batch (B idles), then
 * `--steps` barrier steps of both workers on half the batch each and `--steps` steps of a
 * 2-replica `ReplicaPool` on the main thread (its shard 0 there, shard 1 on its own worker), each
 * after one untimed step, the two in alternating order. It prints the one-thread step, the pair's
 * step (barrier to barrier, median), each worker's own half-batch step (median), their ratio
 * (one-thread step ÷ pair step: the ceiling), the pool's step and ratio (what `npm run bench`'s
 * "vs tfjs 1 thread" column shows for `replicas 2`), and the pool's speed as a share of the pair's.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ReplicaPool, SgdMomentum, smallCnn, trainStep } from '@bdst/core';
import { median } from './median.js';

interface LoopData {
  model: string;
  batch: number;
  /** [1] arrivals at the barrier, [2] the barrier's generation. */
  control: Int32Array;
}
interface Request {
  mode: 'whole' | 'half';
  steps: number;
}
interface Reply {
  /** Median of the loop's own step times, ms. */
  stepMs: number;
  /** Median barrier-to-barrier step, ms (half mode). */
  pairMs?: number;
}

function widthsOf(model: string): [number, number, number] {
  if (!/^cnn-\d+-\d+-\d+$/.test(model)) throw new Error(`sync-ceiling: --model must be cnn-W1-W2-W3 (e.g. cnn-16-32-64), but got ${model}`);
  return model.slice(4).split('-').map(Number) as [number, number, number];
}

/** A worker: trains its model on the whole batch or on half of it, as the main thread asks. */
async function loop(data: LoopData): Promise<void> {
  await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  const net = smallCnn({ inputShape: [32, 32, 3], numClasses: 10, widths: widthsOf(data.model) });
  const optimizer = new SgdMomentum({ lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });
  const whole = tf.randomUniform([data.batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const half = tf.slice(whole, 0, Math.floor(data.batch / 2));
  const labels = Int32Array.from({ length: data.batch }, (_, i) => i % 10);
  const halfLabels = labels.subarray(0, half.shape[0]);
  for (const [x, y] of [[whole, labels], [half, halfLabels]] as const) {
    const warm = performance.now();
    while (performance.now() - warm < 1500) await trainStep(net, optimizer, x, y);
  }
  const { control } = data;
  const barrier = (): void => {
    const generation = Atomics.load(control, 2);
    if (Atomics.add(control, 1, 1) === 1) {
      Atomics.store(control, 1, 0);
      Atomics.add(control, 2, 1);
      Atomics.notify(control, 2);
    } else Atomics.wait(control, 2, generation);
  };
  const port = parentPort!;
  port.on('message', async ({ mode, steps }: Request) => {
    const own: number[] = [];
    if (mode === 'whole') {
      for (let i = 0; i < steps; i++) {
        const t = performance.now();
        await trainStep(net, optimizer, whole, labels);
        own.push(performance.now() - t);
      }
      port.postMessage({ stepMs: median(own) } satisfies Reply);
      return;
    }
    barrier();
    await trainStep(net, optimizer, half, halfLabels); // untimed
    barrier();
    const pair: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t = performance.now();
      await trainStep(net, optimizer, half, halfLabels);
      own.push(performance.now() - t);
      barrier();
      pair.push(performance.now() - t);
    }
    port.postMessage({ stepMs: median(own), pairMs: median(pair) } satisfies Reply);
  });
  port.postMessage('ready');
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: { model: { type: 'string', default: 'cnn-16-32-64' }, batch: { type: 'string', default: '128' }, steps: { type: 'string', default: '16' }, blocks: { type: 'string', default: '6' } },
  });
  const model = flags.model;
  widthsOf(model);
  const batch = Number(flags.batch);
  const steps = Number(flags.steps);
  const blocks = Number(flags.blocks);
  for (const [flag, value, least] of [['batch', batch, 2], ['steps', steps, 2], ['blocks', blocks, 1]] as const) {
    if (!Number.isInteger(value) || value < least) throw new Error(`sync-ceiling: --${flag} must be an integer ≥ ${least}, but got ${value}`);
  }
  // Node 20 does not apply `--import tsx` to a Worker's entry: start this file through tsx's API.
  const entry = pathToFileURL(fileURLToPath(import.meta.url)).href;
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const control = new Int32Array(new SharedArrayBuffer(16));
  const start = (): Worker =>
    new Worker(`import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`, {
      eval: true,
      workerData: { model, batch, control } satisfies LoopData,
    });
  const next = <T>(worker: Worker): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const fail = (error: Error): void => reject(error);
      worker.once('error', fail);
      worker.once('message', (message: T) => {
        worker.off('error', fail);
        resolve(message);
      });
    });
  const a = start();
  const b = start();
  // The pool beside it: ReplicaPool's 2-replica step (shard 0 on this thread, shard 1 on its worker).
  await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  const net = smallCnn({ inputShape: [32, 32, 3], numClasses: 10, widths: widthsOf(model) });
  const images = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  const pool = await ReplicaPool.start({ model: net, optimizer: new SgdMomentum({ lr: 0.01, momentum: 0.9, weightDecay: 1e-4 }), replicas: 2 });
  try {
    await Promise.all([next(a), next(b)]);
    const warm = performance.now();
    while (performance.now() - warm < 2000) await pool.step(images, labels);
    const pair = async (): Promise<[Reply, Reply]> => {
      Atomics.store(control, 1, 0);
      const halves = Promise.all([next<Reply>(a), next<Reply>(b)]);
      for (const worker of [a, b]) worker.postMessage({ mode: 'half', steps } satisfies Request);
      return halves;
    };
    const poolStep = async (): Promise<number> => {
      await pool.step(images, labels); // untimed
      const times: number[] = [];
      for (let i = 0; i < steps; i++) {
        const t = performance.now();
        await pool.step(images, labels);
        times.push(performance.now() - t);
      }
      return median(times);
    };
    console.log(`${model}, batch ${batch}, one WASM thread per worker, ${steps} barrier steps and ${steps} pool steps per block, ms per step`);
    console.log('| block | one thread, whole batch | pair step (barrier to barrier) | A, own half step | B, own half step | ratio | pool step (2 replicas) | pool ratio | pool ÷ pair speed |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    const ratios: number[] = [];
    const poolRatios: number[] = [];
    const shares: number[] = [];
    for (let block = 1; block <= blocks; block++) {
      const whole = next<Reply>(a);
      a.postMessage({ mode: 'whole', steps: Math.max(1, steps >> 1) } satisfies Request);
      const one = (await whole).stepMs;
      let poolMs: number;
      let halves: [Reply, Reply];
      if (block % 2 === 1) {
        halves = await pair();
        poolMs = await poolStep();
      } else {
        poolMs = await poolStep();
        halves = await pair();
      }
      const [ra, rb] = halves;
      const ratio = one / ra.pairMs!;
      ratios.push(ratio);
      poolRatios.push(one / poolMs);
      shares.push(ra.pairMs! / poolMs);
      console.log(
        `| ${block} | ${one.toFixed(1)} | ${ra.pairMs!.toFixed(1)} | ${ra.stepMs.toFixed(1)} | ${rb.stepMs.toFixed(1)} | ${ratio.toFixed(2)}× | ${poolMs.toFixed(1)} | ${(one / poolMs).toFixed(2)}× | ${(ra.pairMs! / poolMs).toFixed(2)} |`,
      );
    }
    const summary = (values: number[]) => `median ${median(values).toFixed(2)}× (range ${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}×)`;
    console.log(`ratio: ${summary(ratios)}; blocks at ≥ 1.8×: ${ratios.filter((r) => r >= 1.8).length} of ${blocks}`);
    console.log(`pool ratio: ${summary(poolRatios)}; blocks at ≥ 1.8×: ${poolRatios.filter((r) => r >= 1.8).length} of ${blocks}`);
    console.log(`pool ÷ pair speed: median ${median(shares).toFixed(2)} (range ${Math.min(...shares).toFixed(2)}–${Math.max(...shares).toFixed(2)})`);
  } finally {
    await Promise.all([a.terminate(), b.terminate()]);
    await pool.terminate();
    await ReplicaPool.stopParkedWorkers();
    images.dispose();
    net.dispose();
  }
}

await (isMainThread ? main() : loop(workerData as LoopData));
