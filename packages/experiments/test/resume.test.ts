import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import { resolvePreset, runBdst, runExperiment } from '@bdst/experiments';
import type { ExperimentRecord, Table2Result } from '@bdst/experiments';
import { captureIo } from './capture-io.js';

// The real executable; in a checkout it runs the CLI's sources in its own process, so SIGKILL stops the run.
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'bdst.js');

/** Starts `bdst run …` in a child process and SIGKILLs it when a stdout line matches `killAt`. */
function runUntil(args: string[], killAt: RegExp): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BDST_FROM_SOURCE: '1' } });
    let output = '';
    let killed = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!killed && killAt.test(output)) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve({ killed, output }));
  });
}

const root = useTempDir('bdst-resume');

describe('a killed bdst run', () => {
  it('resumes with --resume and reaches the result of an uninterrupted run', async () => {
    const dir = mkdtempSync(join(root(), 'bdst-resume-'));
    const config = resolvePreset('table2-badnet-gray-0.1', { scale: 'tiny', seed: 11 });
    config.selfTrain.retrain.epochs = 2;
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(config));

    const reference = await runExperiment(config, { out: join(dir, 'reference'), quietBackend: true });

    const out = join(dir, 'killed');
    const first = await runUntil(['run', file, '--out', out], /\[proposed iteration-2\] epoch 1\/2/);
    expect(first.killed, first.output).toBe(true);
    expect(existsSync(join(out, 'results.json'))).toBe(false);

    const io = captureIo();
    expect(await runBdst(['run', file, '--out', out, '--resume'], io), io.err()).toBe(0);
    expect(io.out()).toMatch(/resuming from /);
    expect(io.out()).toMatch(/baseline: done in an earlier run/);
    const resumed = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ExperimentRecord;
    expect(resumed.resumed).toBe(1);
    const a = reference.record.result as Table2Result;
    const b = resumed.result as Table2Result;
    expect(b.pretrained).toEqual(a.pretrained);
    expect(b.baseline.score).toEqual(a.baseline.score);
    expect(b.proposed.score).toEqual(a.proposed.score);
    expect(b.proposed.iterations.map((i) => i.selected)).toEqual(a.proposed.iterations.map((i) => i.selected));
  }, 600_000);
});
