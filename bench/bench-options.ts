/**
 * Command-line options of the training benchmark (`npm run bench -- [flags]`), parsed from
 * `process.argv` with the full-size defaults of bench/README.md.
 */
export interface BenchOptions {
  /** Smoke-run: batches of 4, one timed run, a 32-image epoch (seconds, for tests). */
  quick: boolean;
  /** Images per training step for the CNN, vgg16 and resnet18 workloads (default 128). */
  batch: number;
  /** Timed runs per step workload after the warm-up (`warmupSeconds`); the median is reported (default 5). */
  runs: number;
  /**
   * Warm-up before a step workload's timed runs: untimed steps until this many seconds have passed,
   * at least one (default 5; 0 with `--quick`: one step). A fresh replica worker compiles its
   * WebAssembly and JavaScript again and needs ~10 steps of the small CNN (~1 s) to reach its
   * steady speed (measured: 0.42–0.51 s, then 0.11–0.14 s, then 0.09–0.10 s per 128-image step);
   * one warm-up step would time that compilation, not training. V8 keeps optimizing the code of
   * both threads on its helper threads for a few seconds more, which takes CPU from the two
   * replicas (one thread leaves a core free for it). In four runs from a fresh 2-replica pool
   * (2026-11-26 13:13–13:18 UTC, medians of 2-second windows), the steps of the first two seconds
   * took 20–40 % longer than from the 5th second on, and those of the next two ~5–10 % longer;
   * one thread settled within ~4 s too. Hence the default of 5 s.
   */
  warmupSeconds: number;
  /** Timed runs of vgg16 and resnet18 (default 2: "a couple of steps"). */
  bigRuns: number;
  /** Images in the epoch workload (default 10,000: issue 2's "full epoch of 10,000 images"). */
  epochImages: number;
  /** Timed epochs (default 1). */
  epochRuns: number;
  /** Images in the augmentation batch (default 512). */
  augmentBatch: number;
  /** WASM thread counts to run every workload with, in order (default `[1, 2]`). */
  threads: number[];
  /**
   * Data-parallel replica counts (`train({ replicas })`, `ReplicaPool`) to run the step workloads
   * and `epoch-cnn` with, for every thread count, in order (default `[1]`); the augmentation rows
   * run with 1 only.
   */
  replicas: number[];
  /** Also run the PyTorch reference (bench/torch_bench.py) when /usr/bin/python3 has torch (default true). */
  torch: boolean;
  /** Threads PyTorch uses (`torch.set_num_threads`, default 2: the machine's cores). */
  torchThreads: number;
  /** Only these workloads (by id, e.g. `cnn-16-32-64`); default all. */
  only: string[] | null;
  /** Also write the results as JSON to this path. */
  json: string | null;
  /**
   * Times the whole selection this many times in a row (default 1) and, when > 1, prints each
   * round's table and a summary of each ratio's median and range across rounds: on a machine
   * whose speed drifts, a ratio from one round can land on either side of a target.
   */
  rounds: number;
}

const USAGE = `usage: npm run bench -- [--quick] [--batch 128] [--runs 5] [--big-runs 2] [--epoch-images 10000]
       [--epoch-runs 1] [--augment-batch 512] [--threads 1,2] [--replicas 1,2] [--no-torch] [--torch-threads 2]
       [--only cnn-16-32-64,vgg16,...] [--warmup-seconds 5] [--rounds 1] [--json out.json]`;

function positiveInteger(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`bench: ${flag} must be a positive integer, but got ${String(text)}\n${USAGE}`);
  return value;
}

/** Parses the benchmark's flags (see {@link BenchOptions}); throws with the usage on a bad flag. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const options: BenchOptions = {
    quick,
    batch: quick ? 4 : 128,
    runs: quick ? 1 : 5,
    warmupSeconds: quick ? 0 : 5,
    bigRuns: quick ? 1 : 2,
    epochImages: quick ? 32 : 10_000,
    epochRuns: 1,
    augmentBatch: quick ? 16 : 512,
    threads: [1, 2],
    replicas: [1],
    torch: true,
    torchThreads: 2,
    only: null,
    json: null,
    rounds: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = (): string | undefined => argv[++i];
    switch (flag) {
      case '--quick':
        break;
      case '--batch':
        options.batch = positiveInteger(flag, next());
        break;
      case '--runs':
        options.runs = positiveInteger(flag, next());
        break;
      case '--big-runs':
        options.bigRuns = positiveInteger(flag, next());
        break;
      case '--epoch-images':
        options.epochImages = positiveInteger(flag, next());
        break;
      case '--epoch-runs':
        options.epochRuns = positiveInteger(flag, next());
        break;
      case '--augment-batch':
        options.augmentBatch = positiveInteger(flag, next());
        break;
      case '--threads':
        options.threads = (next() ?? '').split(',').map((t) => positiveInteger(flag, t));
        break;
      case '--replicas':
        options.replicas = (next() ?? '').split(',').map((r) => positiveInteger(flag, r));
        break;
      case '--no-torch':
        options.torch = false;
        break;
      case '--torch-threads':
        options.torchThreads = positiveInteger(flag, next());
        break;
      case '--warmup-seconds': {
        const text = next();
        const value = Number(text);
        if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`bench: --warmup-seconds must be a number ≥ 0, but got ${String(text)}\n${USAGE}`);
        options.warmupSeconds = value;
        break;
      }
      case '--rounds':
        options.rounds = positiveInteger(flag, next());
        break;
      case '--only':
        options.only = (next() ?? '').split(',').filter((s) => s.length > 0);
        break;
      case '--json': {
        const path = next();
        if (!path) throw new Error(`bench: --json needs a file path\n${USAGE}`);
        options.json = path;
        break;
      }
      case '--help':
        console.log(USAGE);
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default:
        throw new Error(`bench: unknown flag '${flag}'\n${USAGE}`);
    }
  }
  return options;
}
