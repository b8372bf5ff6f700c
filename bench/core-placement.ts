/**
 * Which core each thread of a 2-replica pool runs on, and what that does to a pool step: the
 * evidence for issue 8's last bar (2-core scaling of the small CNN). Not part of `npm run bench`.
 *
 *   node --conditions source --import tsx bench/core-placement.ts [--model cnn-16-32-64|cnn-64-128-256] [--batch 128] [--steps 8] [--blocks 4]
 *
 * In one process it starts a `ReplicaPool` of 2 replicas (the main thread computes shard 0, one
 * worker thread shard 1), finds the worker's OS thread (the busiest thread besides the main one
 * over ten pool steps, from /proc/self/task) and, in each block, times `--steps` steps of:
 *
 * - a one-thread `trainStep` of the whole batch with the main thread pinned (`taskset -p`) to
 *   core 0, then to core 1 (the worker idles);
 * - a pool step with the main thread on core 0 and the worker on core 1, then the other way round;
 * - a pool step with neither pinned (what `npm run bench` times).
 *
 * Blocks alternate their order. Each cell is the block's median step in ms; "best scaling" is the
 * faster one-thread step over the faster pinned pool step. Run on a 2-core Linux machine with
 * `taskset` (util-linux).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ReplicaPool, SgdMomentum, smallCnn, trainStep } from '@bdst/core';
import { median } from './median.js';

const { values: flags } = parseArgs({
  options: { model: { type: 'string', default: 'cnn-16-32-64' }, batch: { type: 'string', default: '128' }, steps: { type: 'string', default: '8' }, blocks: { type: 'string', default: '4' } },
});
const model = flags.model;
const batch = Number(flags.batch);
const steps = Number(flags.steps);
const blocks = Number(flags.blocks);
if (!/^cnn-\d+-\d+-\d+$/.test(model)) throw new Error(`core-placement: --model must be cnn-W1-W2-W3 (e.g. cnn-16-32-64), but got ${model}`);
for (const [flag, value] of [['batch', batch], ['steps', steps], ['blocks', blocks]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`core-placement: --${flag} must be an integer ≥ 1, but got ${value}`);
}
if (batch < 2) throw new Error(`core-placement: --batch must be at least 2 (one image per replica), but got ${batch}`);
if (availableParallelism() < 2) throw new Error(`core-placement: needs 2 cores, this machine has ${availableParallelism()}`);

/** CPU time (user + system, clock ticks) of every thread of this process, by thread id. */
function threadTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
    ticks.set(tid, Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}

/** Pins one thread (`taskset -p`, only that thread) to a CPU list such as '0' or '0,1'. */
function pin(tid: string, cpus: string): void {
  try {
    execFileSync('taskset', ['-p', '-c', cpus, tid], { stdio: 'ignore' });
  } catch (error) {
    throw new Error(`core-placement: taskset -p -c ${cpus} ${tid} failed (util-linux installed?): ${(error as Error).message}`);
  }
}

async function timed(n: number, step: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await step();
    times.push(performance.now() - t);
  }
  return median(times);
}

async function main(): Promise<void> {
  await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  const net = smallCnn({ inputShape: [32, 32, 3], numClasses: 10, widths: model.slice(4).split('-').map(Number) as [number, number, number] });
  const optimizer = new SgdMomentum({ lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });
  const images = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  const pool = await ReplicaPool.start({ model: net, optimizer, replicas: 2 });
  const mainTid = String(process.pid);
  try {
    const warm = performance.now();
    while (performance.now() - warm < 2000) await pool.step(images, labels);
    const before = threadTicks();
    for (let i = 0; i < 10; i++) await pool.step(images, labels);
    const busiest = [...threadTicks()].filter(([tid]) => tid !== mainTid).sort((a, b) => b[1] - (before.get(b[0]) ?? 0) - (a[1] - (before.get(a[0]) ?? 0)))[0];
    if (!busiest) throw new Error('core-placement: found no worker thread in /proc/self/task');
    const workerTid = busiest[0];
    const single = () => trainStep(net, optimizer, images, labels);
    const poolStep = () => pool.step(images, labels);
    const cells: Array<{ name: string; place: () => void; step: () => Promise<unknown> }> = [
      { name: 'one thread on core 0', place: () => pin(mainTid, '0'), step: single },
      { name: 'one thread on core 1', place: () => pin(mainTid, '1'), step: single },
      { name: 'pool, main on 0, worker on 1', place: () => (pin(mainTid, '0'), pin(workerTid, '1')), step: poolStep },
      { name: 'pool, main on 1, worker on 0', place: () => (pin(mainTid, '1'), pin(workerTid, '0')), step: poolStep },
      { name: 'pool, unpinned', place: () => (pin(mainTid, '0,1'), pin(workerTid, '0,1')), step: poolStep },
    ];
    console.log(`${model}, batch ${batch}, one WASM thread per replica, ${steps} steps per cell (after one untimed), ms per step`);
    console.log(`| block | ${cells.map((c) => c.name).join(' | ')} | best scaling |`);
    console.log(`|---|${cells.map(() => '---:|').join('')}---:|`);
    const scalings: number[] = [];
    for (let block = 1; block <= blocks; block++) {
      const ms = new Array<number>(cells.length);
      const order = cells.map((_, i) => i);
      if (block % 2 === 0) order.reverse();
      for (const i of order) {
        cells[i].place();
        await cells[i].step(); // untimed: the first step at a new placement
        ms[i] = await timed(steps, cells[i].step);
      }
      const scaling = Math.min(ms[0], ms[1]) / Math.min(ms[2], ms[3]);
      scalings.push(scaling);
      console.log(`| ${block} | ${ms.map((v) => v.toFixed(1)).join(' | ')} | ${scaling.toFixed(2)}× |`);
    }
    console.log(`best scaling: median ${median(scalings).toFixed(2)}× (range ${Math.min(...scalings).toFixed(2)}–${Math.max(...scalings).toFixed(2)}×)`);
    pin(workerTid, '0,1');
  } finally {
    pin(mainTid, '0,1');
    await pool.terminate();
    await ReplicaPool.stopParkedWorkers();
    images.dispose();
    net.dispose();
  }
}

await main();
