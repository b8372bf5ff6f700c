import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The interpreter the PyTorch reference runs on (Debian's python3-torch lives there). */
export const TORCH_PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_bench.py', import.meta.url));

/** One PyTorch timing of a workload (see bench/torch_bench.py). */
export interface TorchTiming {
  workload: string;
  /** Wall-clock seconds of each timed run. */
  seconds: number[];
  /** Images per timed run. */
  images: number;
  threads: number;
  torch: string;
}

/** The torch version importable by {@link TORCH_PYTHON}, or null when it has none. */
export function torchVersion(): string | null {
  try {
    return execFileSync(TORCH_PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Parameters of one {@link runTorchWorkload} call. */
export interface TorchWorkloadRequest {
  workload: string;
  batch: number;
  runs: number;
  threads: number;
  epochImages?: number;
}

/** Runs bench/torch_bench.py for one workload in a child process and returns its timing. */
export function runTorchWorkload(request: TorchWorkloadRequest): TorchTiming {
  const args = [SCRIPT, '--workload', request.workload, '--batch', String(request.batch), '--runs', String(request.runs), '--threads', String(request.threads)];
  if (request.epochImages !== undefined) args.push('--epoch-images', String(request.epochImages));
  const result = spawnSync(TORCH_PYTHON, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bench: torch_bench.py ${request.workload} failed (exit ${result.status}): ${result.stderr}`);
  const line = result.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as TorchTiming;
}
