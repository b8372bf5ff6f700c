import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../../..');
const run = (args: string[]) =>
  execFileSync(process.execPath, ['--conditions', 'source', '--import', 'tsx', 'bench/core-speeds.ts', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });

/** Smoke-runs bench/core-speeds.ts (per-core training speed, pinned with taskset) on tiny batches. */
describe('bench/core-speeds.ts', () => {
  it('times a loop on each core alone and on all at once, and prints the ceiling', () => {
    const stdout = run(['--batch', '4', '--seconds', '0.2', '--rounds', '1']);
    expect(stdout).toContain('cnn-16-32-64, batch 4, one WASM thread per loop');
    expect(stdout).toMatch(/\| 1 \| (?:[\d.]+ \| )+[\d.]+× \|/);
    const ceiling = Number(/ceiling: median ([\d.]+)×/.exec(stdout)?.[1]);
    expect(ceiling).toBeGreaterThan(0);
  }, 100_000);

  it('names a bad option', () => {
    expect(() => run(['--model', 'vgg16'])).toThrow(/core-speeds: --model must be cnn-W1-W2-W3 \(e.g. cnn-16-32-64\) or resnet18, but got vgg16/);
    expect(() => run(['--seconds', '0'])).toThrow(/core-speeds: --seconds must be a positive number, but got 0/);
  });
});
