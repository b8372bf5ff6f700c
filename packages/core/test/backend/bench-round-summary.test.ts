import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../../../../bench/bench-row.js';
import { formatRoundSummary } from '../../../../bench/round-summary.js';

/** A row whose median step takes `seconds` for 128 images. */
function row(round: number, engine: 'tfjs' | 'torch', threads: number, replicas: number, seconds: number, workload = 'cnn'): BenchRow {
  return { workload, engine, threads, replicas, images: 128, seconds: [seconds, seconds, seconds], gflop: 1, round };
}

describe('bench --rounds summary (formatRoundSummary)', () => {
  it('takes each ratio within its round and reports the median and range across rounds', () => {
    const rows = [
      // round 0: 2 replicas twice as fast as 1 thread, torch as fast as 2 replicas
      row(0, 'tfjs', 1, 1, 1.0),
      row(0, 'tfjs', 1, 2, 0.5),
      row(0, 'torch', 2, 1, 0.5),
      // round 1: the whole machine is slower; torch relatively faster
      row(1, 'tfjs', 1, 1, 2.0),
      row(1, 'tfjs', 1, 2, 1.25),
      row(1, 'torch', 2, 1, 0.5),
      // round 2
      row(2, 'tfjs', 1, 1, 1.0),
      row(2, 'tfjs', 1, 2, 0.625),
      row(2, 'torch', 2, 1, 0.5),
    ];
    const lines = formatRoundSummary(rows).split('\n');
    expect(lines).toHaveLength(4);
    // 1 thread vs torch: 0.5, 0.25, 0.5 → median 0.5; no ratio to itself.
    expect(lines[2]).toBe('| cnn | 1 | 1 | 3 | 0.50× (0.25×–0.50×) |  |');
    // 2 replicas: vs torch 1.0, 0.4, 0.8 → 0.8; vs 1 thread 2.0, 1.6, 1.6 → 1.6.
    expect(lines[3]).toBe('| cnn | 1 | 2 | 3 | 0.80× (0.40×–1.00×) | 1.60× (1.60×–2.00×) |');
  });

  it('leaves a ratio empty where a round lacks the row to compare with, and counts the rounds measured', () => {
    const rows = [row(0, 'tfjs', 1, 2, 0.5, 'resnet'), row(1, 'tfjs', 1, 2, 0.5, 'resnet'), row(1, 'tfjs', 1, 1, 1.0, 'resnet')];
    const lines = formatRoundSummary(rows).split('\n');
    expect(lines[2]).toBe('| resnet | 1 | 2 | 2 |  | 2.00× (2.00×–2.00×) |');
    expect(lines[3]).toBe('| resnet | 1 | 1 | 1 |  |  |');
  });
});

describe('bench --rounds flag (parseBenchOptions)', () => {
  it('defaults to one round, takes a positive integer, and names the flag on a bad value', async () => {
    const { parseBenchOptions } = await import('../../../../bench/bench-options.js');
    expect(parseBenchOptions([]).rounds).toBe(1);
    expect(parseBenchOptions(['--rounds', '3']).rounds).toBe(3);
    expect(() => parseBenchOptions(['--rounds', '0'])).toThrow(/--rounds must be a positive integer/);
    expect(() => parseBenchOptions(['--rounds', '1.5'])).toThrow(/--rounds must be a positive integer/);
  });
});

describe('bench --warmup-seconds flag (parseBenchOptions)', () => {
  it('defaults to 2 s (0 with --quick), takes a number ≥ 0, and names the flag on a bad value', async () => {
    const { parseBenchOptions } = await import('../../../../bench/bench-options.js');
    expect(parseBenchOptions([]).warmupSeconds).toBe(5);
    expect(parseBenchOptions(['--quick']).warmupSeconds).toBe(0);
    expect(parseBenchOptions(['--warmup-seconds', '0.5']).warmupSeconds).toBe(0.5);
    expect(parseBenchOptions(['--warmup-seconds', '0']).warmupSeconds).toBe(0);
    expect(() => parseBenchOptions(['--warmup-seconds', '-1'])).toThrow(/--warmup-seconds must be a number ≥ 0/);
    expect(() => parseBenchOptions(['--warmup-seconds', 'x'])).toThrow(/--warmup-seconds must be a number ≥ 0/);
    expect(() => parseBenchOptions(['--warmup-seconds'])).toThrow(/--warmup-seconds must be a number ≥ 0/);
  });
});
