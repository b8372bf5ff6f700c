import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../../..');
const run = (args: string[]) =>
  execFileSync(process.execPath, ['--conditions', 'source', '--import', 'tsx', 'bench/sync-ceiling.ts', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });

/** Smoke-runs bench/sync-ceiling.ts (two worker threads training halves of a batch, meeting at a barrier each step, beside a 2-replica pool) on tiny batches. */
describe('bench/sync-ceiling.ts', () => {
  it('times one thread on the whole batch, a barrier pair on its halves and the pool, and prints their ratios', () => {
    const child = spawnSync(process.execPath, ['--conditions', 'source', '--import', 'tsx', 'bench/sync-ceiling.ts', '--batch', '4', '--steps', '2', '--blocks', '6'], { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
    expect(child.status, child.stderr).toBe(0);
    const stdout = child.stdout;
    expect(stdout).toContain('cnn-16-32-64, batch 4, one WASM thread per worker, 2 barrier steps and 2 pool steps per block');
    const rows = [...stdout.matchAll(/^\| (\d) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+)× \| ([\d.]+) \| ([\d.]+)× \| ([\d.]+) \|$/gm)];
    expect(rows.map((r) => r[1])).toEqual(['1', '2', '3', '4', '5', '6']); // 13 requests to worker A: more than Node's 10 listeners if a helper leaked one per request
    for (const [, , one, pair, a, b, ratio, pool, poolRatio, share] of rows) {
      expect(Number(ratio)).toBeCloseTo(Number(one) / Number(pair), 1);
      expect(Number(poolRatio)).toBeCloseTo(Number(one) / Number(pool), 1);
      expect(Number(share)).toBeCloseTo(Number(pair) / Number(pool), 1);
      // Worker A's barrier-to-barrier step contains its own half step, step by step (B's need not:
      // it can start before A wakes), so their medians keep that order (up to the printed rounding).
      expect(Number(pair)).toBeGreaterThanOrEqual(Number(a) - 0.1);
      expect(Number(b)).toBeGreaterThan(0);
    }
    expect(stdout).toMatch(/^ratio: median [\d.]+× \(range [\d.]+–[\d.]+×\); blocks at ≥ 1\.8×: \d of 6$/m);
    expect(stdout).toMatch(/^pool ratio: median [\d.]+× \(range [\d.]+–[\d.]+×\); blocks at ≥ 1\.8×: \d of 6$/m);
    expect(stdout).toMatch(/^pool ÷ pair speed: median [\d.]+ \(range [\d.]+–[\d.]+\)$/m);
    expect(child.stderr).not.toContain('MaxListenersExceededWarning');
  }, 100_000);

  it('names a bad option', () => {
    expect(() => run(['--model', 'vgg16'])).toThrow(/sync-ceiling: --model must be cnn-W1-W2-W3/);
    expect(() => run(['--steps', '1'])).toThrow(/sync-ceiling: --steps must be an integer ≥ 2, but got 1/);
  });
});
