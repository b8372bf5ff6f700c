/** One measured line of the benchmark table. */
export interface BenchRow {
  workload: string;
  /** 'tfjs' rows carry the WASM thread count; 'torch' rows PyTorch's. */
  engine: 'tfjs' | 'torch';
  threads: number;
  /** Data-parallel replicas (tfjs rows; each replica on `threads` WASM threads); 1 for torch rows. */
  replicas: number;
  /** Images per timed run. */
  images: number;
  /** Seconds of each timed run. */
  seconds: number[];
  /** Training GFLOP per timed run (3 × forward), or null where it is not a training workload. */
  gflop: number | null;
  /** Which `--rounds` round measured it (0-based). */
  round: number;
}

/** What `--json` writes: the options, the backend line, the torch version, the machine, the rows and any failures. */
export interface BenchReport {
  backend: string;
  torch: string | null;
  machine: { cpus: number; model: string; node: string };
  rows: BenchRow[];
  failures: string[];
}
