/**
 * bdst's training benchmark (`npm run bench`, issue 2 item 10, issue 8): training-step throughput
 * on the backend `initBackend()` picks, and — where /usr/bin/python3 has torch — the same
 * workloads in PyTorch in the same run, with the ratio. See bench/README.md for the command, the
 * flags (bench/bench-options.ts) and the latest table.
 *
 * Workloads (32×32×3 images, 10 classes, SGD momentum 0.9, weight decay 1e-4):
 * - `cnn-16-32-64`, `cnn-64-128-256`: `smallCnn` at those widths, one step of `--batch` images;
 * - `vgg16`, `resnet18`: one step of `--batch` images (`--big-runs` timed steps);
 * - `epoch-cnn`: `train()` of `smallCnn` (16-32-64) for one epoch over `--epoch-images` synthetic
 *   images, batch `--batch` (issue 2: under 60 s for 10,000 images);
 * - `augment`: `paperStrongAugment` and `simclrAugment(32)` on an `--augment-batch` batch, next to
 *   one `smallCnn` training step on the same batch (issue 3);
 * - `selftrain-iteration`: one Algorithm 1 iteration (`SelfTrainer.step()`, n = 1) of `smallCnn`
 *   (16-32-64) over `--epoch-images` synthetic images, 20% labeled: pseudo-label T(D_L) and D_U,
 *   select the 30% most confident per class, retrain one epoch on them (issue 8).
 *
 * Every step workload runs untimed warm-up steps for `--warmup-seconds` (default 5, at least one
 * step), then `--runs` timed steps; the median is reported. Its replica counts are timed
 * interleaved (one step of each in turn, see `stepRows`), so their ratio compares the same minutes.
 * Each workload is timed on every `--threads` count and, for the step workloads and `epoch-cnn`,
 * every `--replicas` count (data-parallel worker threads: `ReplicaPool.step` / `train({ replicas })`),
 * then in PyTorch, back to back, so the ratios compare runs under the same machine load.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng, forwardFlops, initBackend, ReplicaPool, resnet18, SgdMomentum, smallCnn, syntheticDataset, train, trainStep, vgg16 } from '@bdst/core';
import type { BackendInfo } from '@bdst/core';
import { paperStrongAugment, simclrAugment } from '@bdst/augment';
import { SelfTrainer } from '@bdst/selftrain';
import { parseBenchOptions } from './bench-options.js';
import type { BenchOptions } from './bench-options.js';
import type { BenchRow } from './bench-row.js';

/** A row as a workload measures it; the round is added when it is recorded. */
type MeasuredRow = Omit<BenchRow, 'round'>;
import { median } from './median.js';
import { formatRoundSummary } from './round-summary.js';
import { runTorchWorkload, torchVersion } from './torch-reference.js';

const INPUT_SHAPE = [32, 32, 3] as const;
const NUM_CLASSES = 10;

interface StepWorkload {
  id: string;
  build: () => tfl.LayersModel;
  runs: (o: BenchOptions) => number;
}

const STEP_WORKLOADS: StepWorkload[] = [
  { id: 'cnn-16-32-64', build: () => smallCnn({ inputShape: INPUT_SHAPE, numClasses: NUM_CLASSES, widths: [16, 32, 64] }), runs: (o) => o.runs },
  { id: 'cnn-64-128-256', build: () => smallCnn({ inputShape: INPUT_SHAPE, numClasses: NUM_CLASSES, widths: [64, 128, 256] }), runs: (o) => o.runs },
  { id: 'vgg16', build: () => vgg16({ inputShape: INPUT_SHAPE, numClasses: NUM_CLASSES }), runs: (o) => o.bigRuns },
  { id: 'resnet18', build: () => resnet18({ inputShape: INPUT_SHAPE, numClasses: NUM_CLASSES }), runs: (o) => o.bigRuns },
];

function randomBatch(batch: number, seed: number): { images: tf.Tensor4D; labels: Int32Array } {
  const images = tf.randomUniform([batch, ...INPUT_SHAPE], 0, 1, 'float32', seed) as tf.Tensor4D;
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: batch }, () => Math.floor(rng.next() * NUM_CLASSES));
  return { images, labels };
}

/**
 * Times `runs` training steps of a fresh model after a warm-up of untimed steps lasting
 * `warmupSeconds` (at least one step); seconds per step. With `replicas` > 1 the steps are
 * data-parallel (`ReplicaPool.step`; starting the workers and their warm-up are not timed: a
 * training run starts its workers once and then takes hundreds of steps).
 */
async function timeTrainingSteps(model: tfl.LayersModel, batch: number, runs: number, warmupSeconds: number, replicas = 1): Promise<number[]> {
  const optimizer = new SgdMomentum({ lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });
  const { images, labels } = randomBatch(batch, 7);
  const pool = replicas > 1 ? await ReplicaPool.start({ model, optimizer, replicas }) : null;
  const step = () => (pool ? pool.step(images, labels) : trainStep(model, optimizer, images, labels));
  try {
    const warmupStart = performance.now();
    do await step();
    while (performance.now() - warmupStart < warmupSeconds * 1000);
    const seconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await step();
      seconds.push((performance.now() - start) / 1000);
    }
    return seconds;
  } finally {
    await pool?.terminate();
    images.dispose();
    optimizer.dispose();
  }
}

/**
 * Times one step workload for every replica count in `replicasList` on the current backend
 * (`threads` WASM threads per replica), interleaved: one fresh model (and, for more than one
 * replica, a `ReplicaPool`) per count, each warmed up for `--warmup-seconds` (at least one step),
 * then `runs` passes that time one step of each, in alternating order (1, 2, 2, 1, 1, 2, …).
 * This VM's cores change speed by up to 2× for minutes at a time; timed back to back instead,
 * the one-replica row and the two-replica row could fall in different phases, and their ratio
 * (issue 8's scaling bar) measured the minute rather than the pool. Starting the workers and the
 * warm-up are not timed: a training run starts its workers once and then takes hundreds of steps.
 */
async function stepRows(workload: StepWorkload, options: BenchOptions, threads: number, replicasList: readonly number[]): Promise<MeasuredRow[]> {
  const { images, labels } = randomBatch(options.batch, 7);
  const setups: Array<{ replicas: number; model: tfl.LayersModel; optimizer: SgdMomentum; pool: ReplicaPool | null; seconds: number[] }> = [];
  try {
    for (const replicas of replicasList) {
      const model = workload.build();
      const optimizer = new SgdMomentum({ lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });
      setups.push({ replicas, model, optimizer, pool: null, seconds: [] });
      if (replicas > 1) setups[setups.length - 1].pool = await ReplicaPool.start({ model, optimizer, replicas });
    }
    const step = (setup: (typeof setups)[number]) => (setup.pool ? setup.pool.step(images, labels) : trainStep(setup.model, setup.optimizer, images, labels));
    for (const setup of setups) {
      const warmupStart = performance.now();
      do await step(setup);
      while (performance.now() - warmupStart < options.warmupSeconds * 1000);
    }
    const runs = workload.runs(options);
    for (let run = 0; run < runs; run++) {
      for (const setup of run % 2 === 0 ? setups : [...setups].reverse()) {
        const start = performance.now();
        await step(setup);
        setup.seconds.push((performance.now() - start) / 1000);
      }
    }
    const gflop = setups.length > 0 ? (3 * forwardFlops(setups[0].model) * options.batch) / 1e9 : null;
    return setups.map(({ replicas, seconds }) => ({ workload: workload.id, engine: 'tfjs', threads, replicas, images: options.batch, seconds, gflop }));
  } finally {
    for (const { model, optimizer, pool } of setups) {
      await pool?.terminate();
      optimizer.dispose();
      model.dispose();
    }
    images.dispose();
  }
}

async function epochRow(options: BenchOptions, threads: number, replicas: number): Promise<MeasuredRow> {
  const dataset = syntheticDataset({ size: options.epochImages, seed: 'bench-epoch' });
  const seconds: number[] = [];
  let gflop = 0;
  for (let run = 0; run < options.epochRuns; run++) {
    const model = smallCnn({ inputShape: INPUT_SHAPE, numClasses: NUM_CLASSES, widths: [16, 32, 64] });
    gflop = (3 * forwardFlops(model) * options.epochImages) / 1e9;
    const start = performance.now();
    await train(model, dataset, { epochs: 1, batchSize: options.batch, rng: createRng(run + 1), replicas });
    seconds.push((performance.now() - start) / 1000);
    model.dispose();
  }
  return { workload: 'epoch-cnn', engine: 'tfjs', threads, replicas, images: options.epochImages, seconds, gflop };
}

/**
 * One self-training iteration (Algorithm 1, n = 1, k = 0.3) over `--epoch-images` synthetic images
 * (20% labeled): pseudo-labelling T(x_l) and x_u, the per-class selection, one retraining epoch
 * on D_1 at `--batch`. The given "pretrained" model is a fresh one: only the time matters.
 */
async function selfTrainIterationRow(options: BenchOptions, threads: number, replicas: number): Promise<MeasuredRow> {
  const all = syntheticDataset({ size: options.epochImages, seed: 'bench-selftrain' });
  const [labeled, unlabeled] = all.split(0.2, createRng('bench-selftrain-split'));
  const createModel = (rng: ReturnType<typeof createRng>) => smallCnn({ inputShape: INPUT_SHAPE, numClasses: NUM_CLASSES, widths: [16, 32, 64], rng });
  const seconds: number[] = [];
  let gflop = 0;
  for (let run = 0; run < options.epochRuns; run++) {
    const pretrained = createModel(createRng(`bench-selftrain-${run}`));
    const trainer = new SelfTrainer({
      labeled,
      unlabeled,
      createModel,
      pretrained,
      retrain: { epochs: 1, batchSize: options.batch, lr: 0.01 },
      final: { epochs: 1, batchSize: options.batch },
      replicas,
      rng: createRng(run + 1),
    });
    const start = performance.now();
    const report = await trainer.step();
    seconds.push((performance.now() - start) / 1000);
    // Forward passes over all images, plus forward and backward over the selection.
    gflop = (forwardFlops(pretrained) * (options.epochImages + 3 * report.selectedCount)) / 1e9;
    trainer.dispose();
    pretrained.dispose();
  }
  return { workload: 'selftrain-iteration', engine: 'tfjs', threads, replicas, images: options.epochImages, seconds, gflop };
}

/** Augmentation throughput next to one training step on the same batch (issue 3). */
async function augmentRows(options: BenchOptions, threads: number): Promise<MeasuredRow[]> {
  const { images, labels } = randomBatch(options.augmentBatch, 11);
  const rows: MeasuredRow[] = [];
  const transforms = [
    ['augment paperStrongAugment', paperStrongAugment],
    ['augment simclrAugment(32)', simclrAugment(32)],
  ] as const;
  try {
    for (const [id, transform] of transforms) {
      const rng = createRng(id);
      const once = async () => {
        const out = transform(images, rng);
        await out.data();
        out.dispose();
      };
      await once();
      const seconds: number[] = [];
      for (let i = 0; i < options.runs; i++) {
        const start = performance.now();
        await once();
        seconds.push((performance.now() - start) / 1000);
      }
      rows.push({ workload: id, engine: 'tfjs', threads, replicas: 1, images: options.augmentBatch, seconds, gflop: null });
    }
    const model = smallCnn({ inputShape: INPUT_SHAPE, numClasses: NUM_CLASSES, widths: [16, 32, 64] });
    const seconds = await timeTrainingSteps(model, options.augmentBatch, options.runs, options.warmupSeconds);
    rows.push({ workload: 'augment vs cnn-16-32-64 step', engine: 'tfjs', threads, replicas: 1, images: options.augmentBatch, seconds, gflop: (3 * forwardFlops(model) * options.augmentBatch) / 1e9 });
    model.dispose();
  } finally {
    images.dispose();
    void labels;
  }
  return rows;
}

function selected(options: BenchOptions, id: string): boolean {
  return options.only == null || options.only.includes(id);
}

function imagesPerSecond(row: MeasuredRow): number {
  return row.images / median(row.seconds);
}

function formatTable(rows: BenchRow[]): string {
  const lines = [
    '| workload | engine | threads | replicas | images | median s | images/s | GFLOP/s | vs torch | vs tfjs 1 thread |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const ips = imagesPerSecond(row);
    const torch = rows.find((r) => r.workload === row.workload && r.engine === 'torch');
    const single = rows.find((r) => r.workload === row.workload && r.engine === 'tfjs' && r.threads === 1 && r.replicas === 1);
    const gflops = row.gflop == null ? '' : (row.gflop / median(row.seconds)).toFixed(1);
    const vsTorch = row.engine === 'tfjs' && torch ? `${(ips / imagesPerSecond(torch)).toFixed(2)}×` : '';
    const vsSingle = row.engine === 'tfjs' && single && single !== row ? `${(ips / imagesPerSecond(single)).toFixed(2)}×` : '';
    lines.push(
      `| ${row.workload} | ${row.engine} | ${row.threads} | ${row.replicas} | ${row.images} | ${median(row.seconds).toFixed(3)} | ${ips.toFixed(1)} | ${gflops} | ${vsTorch} | ${vsSingle} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const torch = options.torch ? torchVersion() : null;
  const rows: BenchRow[] = [];
  const failures: string[] = [];
  let info: BackendInfo | null = null;
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`# bdst training benchmark${options.quick ? ' (--quick)' : ''}`);
  console.log(`machine: ${cpus().length} × ${cpuModel}, Node ${process.version}; torch: ${torch ?? (options.torch ? 'not found' : 'off (--no-torch)')}`);

  /**
   * Runs `work` for every `--threads` count and (unless `allReplicasAtOnce`: `work` measures every
   * `--replicas` count itself, or only one) every `--replicas` count.
   */
  const timeOnEveryThreadCount = async (work: (threads: number, replicas: number) => Promise<MeasuredRow | MeasuredRow[]>, allReplicasAtOnce = false) => {
    for (const threads of options.threads) {
      for (const replicas of allReplicasAtOnce ? [1] : options.replicas) {
        let measured: MeasuredRow | MeasuredRow[];
        try {
          info = await initBackend({ threads, quiet: true });
          measured = await work(info.threads ?? threads, replicas);
        } catch (error) {
          failures.push(`${(error as Error).message.split('\n')[0]} (threads ${threads}, replicas ${allReplicasAtOnce ? options.replicas.join(', ') : replicas})`);
          console.error(`  failed: ${failures[failures.length - 1]}`);
          continue;
        }
        for (const row of Array.isArray(measured) ? measured : [measured]) {
          rows.push({ ...row, round });
          console.error(`  ${row.workload} on ${info.description}, ${row.replicas} replica(s): ${imagesPerSecond(row).toFixed(1)} images/s`);
        }
      }
    }
  };
  const timeTorch = (workload: string, request: { batch: number; runs: number; epochImages?: number }) => {
    if (!torch) return;
    const timing = runTorchWorkload({ workload, threads: options.torchThreads, ...request });
    rows.push({ workload, engine: 'torch', threads: timing.threads, replicas: 1, images: timing.images, seconds: timing.seconds, gflop: rows.find((r) => r.workload === workload)?.gflop ?? null, round });
    console.error(`  ${workload} in torch (${timing.threads} threads): ${(timing.images / median(timing.seconds)).toFixed(1)} images/s`);
  };

  let round = 0;
  // resnet18 goes last: at batch 128 it can exhaust the 4 GB WASM heap, which aborts the module.
  const [resnet, ...others] = [STEP_WORKLOADS[3], ...STEP_WORKLOADS.slice(0, 3)];
  for (round = 0; round < options.rounds; round++) {
    if (options.rounds > 1) console.error(`round ${round + 1} of ${options.rounds}`);
    for (const workload of others) {
      if (!selected(options, workload.id)) continue;
      await timeOnEveryThreadCount((threads) => stepRows(workload, options, threads, options.replicas), true);
      timeTorch(workload.id, { batch: options.batch, runs: workload.runs(options) });
    }
    if (selected(options, 'epoch-cnn')) {
      await timeOnEveryThreadCount((threads, replicas) => epochRow(options, threads, replicas));
      timeTorch('epoch-cnn', { batch: options.batch, runs: options.epochRuns, epochImages: options.epochImages });
    }
    if (selected(options, 'selftrain-iteration')) {
      await timeOnEveryThreadCount((threads, replicas) => selfTrainIterationRow(options, threads, replicas));
      timeTorch('selftrain-iteration', { batch: options.batch, runs: options.epochRuns, epochImages: options.epochImages });
    }
    if (selected(options, 'augment')) {
      await timeOnEveryThreadCount((threads) => augmentRows(options, threads), true);
    }
    if (selected(options, resnet.id)) {
      await timeOnEveryThreadCount((threads) => stepRows(resnet, options, threads, options.replicas), true);
      timeTorch(resnet.id, { batch: options.batch, runs: resnet.runs(options) });
    }
  }

  const backend = (info as BackendInfo | null)?.description ?? 'none';
  console.log(`backend: ${backend}; batch ${options.batch}; median of ${options.runs} runs (vgg16/resnet18: ${options.bigRuns}) after ${options.warmupSeconds} s of warm-up steps (at least one)`);
  for (let r = 0; r < options.rounds; r++) {
    console.log('');
    if (options.rounds > 1) console.log(`round ${r + 1} of ${options.rounds}:\n`);
    console.log(formatTable(rows.filter((row) => row.round === r)));
  }
  if (options.rounds > 1) {
    console.log(`\nacross the ${options.rounds} rounds (each ratio taken within its round):\n`);
    console.log(formatRoundSummary(rows));
  }
  for (const failure of failures) console.log(`\nFAILED: ${failure}`);
  if (failures.length > 0) process.exitCode = 1;
  if (options.json) {
    writeFileSync(options.json, JSON.stringify({ options, backend, torch, machine: { cpus: cpus().length, model: cpuModel, node: process.version }, rows, failures }, null, 2));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
