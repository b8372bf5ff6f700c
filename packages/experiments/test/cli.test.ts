import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import { PRESET_NAMES, demoConfig, runBdst } from '@bdst/experiments';
import { captureIo } from './capture-io.js';

const tmp = () => mkdtempSync(join(root(), 'bdst-cli-'));

/** One line on stderr, naming the problem, with no stack trace; exit code 2. */
async function expectOneLineError(argv: string[], message: RegExp) {
  const io = captureIo();
  const code = await runBdst(argv, io);
  expect(code).toBe(2);
  const lines = io.err().trimEnd().split('\n');
  expect(lines, io.err()).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(io.err()).not.toMatch(/\n\s+at /);
}

const root = useTempDir('bdst-cli');

describe('bdst command', () => {
  it('lists every preset', async () => {
    const io = captureIo();
    expect(await runBdst(['presets'], io)).toBe(0);
    for (const name of PRESET_NAMES) expect(io.out()).toContain(name);
  });

  it('prints a preset\'s resolved config with the overrides applied', async () => {
    const io = captureIo();
    const code = await runBdst(['run', 'table2-badnet-rgb-0.01', '--scale', 'paper', '--seed', '7', '--dataset', 'fashion-mnist', '--data-dir', '/x/fm', '--print-config'], io);
    expect(code).toBe(0);
    const config = JSON.parse(io.out());
    expect(config).toMatchObject({ name: 'table2-badnet-rgb-0.01', seed: 7, dataset: { name: 'fashion-mnist', dir: '/x/fm', labeledFraction: 0.2 }, attack: { kind: 'badnets-rgb', unlabeledRatio: 0.01 } });
  });

  it('an unknown preset gets one clear line', async () => {
    await expectOneLineError(['run', 'table7'], /^bdst: unknown preset 'table7'; the presets are: table1-pilot, .*table3-simclr, figure1-screen/);
  });

  it('a bad config file gets one line naming the key', async () => {
    const file = join(tmp(), 'config.json');
    const config = JSON.parse(JSON.stringify(demoConfig())) as Record<string, any>;
    config.selfTrain.final.lr = -1;
    writeFileSync(file, JSON.stringify(config));
    await expectOneLineError(['run', file], /^bdst: .*config\.json: selfTrain\.final\.lr must be a number > 0, but got -1$/);
    writeFileSync(file, '{ "name": ');
    await expectOneLineError(['run', file], /^bdst: .*config\.json is not valid JSON/);
    await expectOneLineError(['run', join(tmp(), 'missing.json')], /^bdst: config file not found: /);
  });

  it('a missing data dir gets one line naming the path and the option', async () => {
    const out = tmp();
    await expectOneLineError(
      ['run', 'table2-badnet-gray-0.1', '--scale', 'tiny', '--dataset', 'fashion-mnist', '--data-dir', '/nonexistent/fmnist', '--out', out],
      /^bdst: data directory not found: '\/nonexistent\/fmnist' \(Fashion-MNIST; pass --data-dir/,
    );
    await expectOneLineError(['demo', '--dataset', 'cifar10', '--data-dir', '/nonexistent/cifar', '--out', tmp()], /^bdst: data directory not found: '\/nonexistent\/cifar' \(CIFAR-10/);
  });

  it('bad option values and unknown options are usage errors', async () => {
    const io = captureIo();
    expect(await runBdst(['run', 'table1-pilot', '--scale', 'huge'], io)).toBe(2);
    expect(io.err()).toMatch(/argument 'huge' is invalid. Allowed choices are paper, cpu, tiny/);
    expect(await runBdst(['run', 'table1-pilot', '--frobnicate'], captureIo())).toBe(2);
    expect(await runBdst(['screen', '--attacks', 'badnets-gray,trojan'], captureIo())).toBe(2);
  });

  it('refuses to overwrite a started run without --resume', async () => {
    const out = tmp();
    const io = captureIo();
    const args = ['run', 'table2-badnet-gray-0.1', '--scale', 'tiny', '--out', out];
    expect(await runBdst(args, io), io.err()).toBe(0);
    await expectOneLineError(args, /already holds a run .*pass --resume/);
    await expectOneLineError([...args, '--resume', '--seed', '5'], /cannot resume .* different config \(seed: was 0, now 5\)/);
    const again = captureIo();
    expect(await runBdst([...args, '--resume'], again)).toBe(0);
    expect(again.out()).toMatch(/baseline: done in an earlier run/);
  });

  it('screen --model screens a saved model instead of training one', async () => {
    const run = tmp();
    expect(await runBdst(['run', 'table2-badnet-gray-0.1', '--scale', 'tiny', '--out', run], captureIo())).toBe(0);
    const model = join(run, 'checkpoints', 'pretrain', 'model');
    const out = tmp();
    const io = captureIo();
    expect(await runBdst(['screen', '--scale', 'tiny', '--attacks', 'badnets-gray', '--model', model, '--augmentations', 'NoAug,VFlip', '--out', out], io), io.err()).toBe(0);
    const table2 = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8')).result;
    const screen = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).result;
    expect(screen.attacks).toHaveLength(1);
    expect(screen.attacks[0].entries.map((e: { augmentation: string }) => e.augmentation)).toEqual(['NoAug', 'VFlip']);
    expect(screen.attacks[0].pretrained).toEqual(table2.pretrained); // the very model the Table 2 run pretrained
    expect(screen.attacks[0].entries[0].mean).toEqual(table2.pretrained);
    await expectOneLineError(['screen', '--scale', 'tiny', '--model', model, '--out', tmp()], /screen\.modelDir screens one model, so screen\.attacks must name exactly/);
    await expectOneLineError(['screen', '--scale', 'tiny', '--attacks', 'badnets-gray', '--model', join(run, 'nothing'), '--out', tmp()], /^bdst: no saved model in '.*nothing'/);
  });
});
