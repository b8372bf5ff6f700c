import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import { runBdst } from '@bdst/experiments';
import type { ExperimentRecord, Table2Result } from '@bdst/experiments';
import { captureIo } from './capture-io.js';

// The README's demo, in full (npm run test:slow): the proposed method must cut the backdoor the
// baseline keeps, and the report and charts must be written.
const root = useTempDir('bdst-demo');

describe('bdst demo', () => {
  it('prints a table where the proposed ASR is below the baseline\'s, and writes report.md and the charts', async () => {
    const out = mkdtempSync(join(root(), 'bdst-demo-'));
    const io = captureIo();
    const cpu = process.cpuUsage();
    expect(await runBdst(['demo', '--out', out], io), io.err()).toBe(0);
    const { user, system } = process.cpuUsage(cpu);
    const record = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ExperimentRecord;
    const result = record.result as Table2Result;
    console.log(`${io.out().split('\n').filter((l) => l.startsWith('|')).join('\n')}\nwall ${record.seconds.toFixed(0)} s, CPU ${((user + system) / 1e6).toFixed(0)} s`);
    expect(io.out()).toMatch(/\| Dataset \| Backdoor Attack \| γ\(D_U\) \| Pretrained Model SA/);
    expect(result.pretrained.asr).toBeGreaterThan(0.8);
    expect(result.baseline.score.asr).toBeGreaterThan(0.5);
    expect(result.proposed.score.asr).toBeLessThan(result.baseline.score.asr / 2);
    for (const file of ['report.md', 'iterations-baseline.svg', 'iterations-proposed.svg']) expect(existsSync(join(out, file))).toBe(true);
  });
});
