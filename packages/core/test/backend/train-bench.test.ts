import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../../../bench/bench-row.js';

const ROOT = resolve(__dirname, '../../../..');

/** Smoke-runs `npm run bench -- --quick` (bench/train-step.ts) on a few workloads and reads its JSON. */
describe('bench/train-step.ts --quick', () => {
  it('times the CNN step and an epoch on 1 and 2 replicas, and the augmentations, and reports finite throughputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdst-bench-'));
    try {
      const json = join(dir, 'bench.json');
      const stdout = execFileSync(
        process.execPath,
        ['--conditions', 'source', '--import', 'tsx', 'bench/train-step.ts', '--quick', '--only', 'cnn-16-32-64,epoch-cnn,selftrain-iteration,augment', '--threads', '1', '--replicas', '1,2', '--json', json],
        { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 110_000 },
      );
      expect(stdout).toContain('| workload | engine |');
      const report = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
      const tfjs = report.rows.filter((r) => r.engine === 'tfjs');
      expect(tfjs.map((r) => `${r.workload} ×${r.replicas}`)).toEqual([
        'cnn-16-32-64 ×1',
        'cnn-16-32-64 ×2',
        'epoch-cnn ×1',
        'epoch-cnn ×2',
        'selftrain-iteration ×1',
        'selftrain-iteration ×2',
        'augment paperStrongAugment ×1',
        'augment simclrAugment(32) ×1',
        'augment vs cnn-16-32-64 step ×1',
      ]);
      // The 2-replica row is compared with the 1-thread, 1-replica row.
      expect(stdout).toMatch(/\| cnn-16-32-64 \| tfjs \| 1 \| 2 \| 4 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| (?:[\d.]+×)? \| [\d.]+× \|/);
      for (const row of report.rows) {
        expect(row.seconds.length, row.workload).toBeGreaterThan(0);
        for (const s of row.seconds) expect(s > 0 && Number.isFinite(s), `${row.workload} ${s}`).toBe(true);
      }
      expect(tfjs.find((r) => r.workload === 'epoch-cnn')?.images).toBe(32);
      expect(tfjs.find((r) => r.workload === 'selftrain-iteration')?.images).toBe(32);
      // forwardFlops of smallCnn 16-32-64 at 32×32×3 is ~5.6 MFLOP; a step of 4 images is 3× that per image.
      const step = tfjs[0];
      expect(step.gflop).toBeGreaterThan(3 * 4 * 4e-3);
      expect(step.gflop).toBeLessThan(3 * 4 * 8e-3);
      if (report.torch != null) {
        expect(report.rows.filter((r) => r.engine === 'torch').map((r) => r.workload)).toEqual(['cnn-16-32-64', 'epoch-cnn', 'selftrain-iteration']);
        expect(stdout).toMatch(/\| cnn-16-32-64 \| tfjs \| 1 \| 1 \| 4 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+× \|/);
      } else {
        console.warn('train-bench.test: /usr/bin/python3 has no torch; the PyTorch reference was not exercised');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
