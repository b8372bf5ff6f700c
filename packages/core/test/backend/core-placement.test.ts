import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../../..');
const run = (args: string[]) =>
  execFileSync(process.execPath, ['--conditions', 'source', '--import', 'tsx', 'bench/core-placement.ts', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });

/** Smoke-runs bench/core-placement.ts (a 2-replica pool with its threads pinned to each core) on tiny batches. */
describe('bench/core-placement.ts', () => {
  it('times one thread on each core and the pool in both placements, and prints the best scaling', () => {
    const stdout = run(['--batch', '4', '--steps', '1', '--blocks', '1']);
    expect(stdout).toContain('cnn-16-32-64, batch 4, one WASM thread per replica, 1 steps per cell');
    const row = /\| 1 \| ((?:[\d.]+ \| ){5})([\d.]+)× \|/.exec(stdout);
    expect(row).not.toBeNull();
    const cells = row![1].split('|').slice(0, 5).map((s) => Number(s.trim()));
    expect(cells).toHaveLength(5);
    for (const ms of cells) expect(ms).toBeGreaterThan(0);
    expect(Number(row![2])).toBeCloseTo(Math.min(cells[0], cells[1]) / Math.min(cells[2], cells[3]), 1);
    expect(stdout).toMatch(/best scaling: median [\d.]+× \(range [\d.]+–[\d.]+×\)/);
  }, 100_000);

  it('names a bad option', () => {
    expect(() => run(['--model', 'resnet18'])).toThrow(/core-placement: --model must be cnn-W1-W2-W3/);
    expect(() => run(['--steps', '0'])).toThrow(/core-placement: --steps must be an integer ≥ 1, but got 0/);
    expect(() => run(['--batch', '1'])).toThrow(/core-placement: --batch must be at least 2/);
  });
});
