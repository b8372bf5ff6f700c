import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BACKEND_CHOICES } from '@bdst/core';
import type { BackendChoice } from '@bdst/core';
import { ATTACK_KINDS, DATASET_NAMES } from '../config/experiment-config.js';
import type { AttackKind, DatasetName, ExperimentConfig } from '../config/experiment-config.js';
import { UsageError } from '../config/usage-error.js';
import { validateExperimentConfig } from '../config/validate-config.js';
import { demoConfig } from '../presets/demo-config.js';
import { PRESET_NAMES, presetDescription, resolvePreset } from '../presets/experiment-presets.js';
import { EXPERIMENT_SCALES } from '../presets/scale.js';
import type { ExperimentScale } from '../presets/scale.js';
import { runExperiment } from '../runner/run-experiment.js';
import type { ExperimentOutcome } from '../runner/run-experiment.js';
import { terminalProgress } from './terminal-progress.js';
import type { TextOutput } from './terminal-progress.js';

/** Where the command writes: results and progress to `stdout`, one-line errors to `stderr`. */
export interface CommandIo {
  /** Tables, progress and the list of files written. */
  stdout: TextOutput;
  /** Errors. */
  stderr: TextOutput;
  /** Stops a run between batches (Ctrl-C). */
  signal?: AbortSignal;
}

/** Options shared by `run`, `demo` and `screen`. */
interface RunFlags {
  scale: ExperimentScale;
  seed?: number;
  backend?: BackendChoice;
  out?: string;
  resume?: boolean;
  dataset?: DatasetName;
  dataDir?: string;
  tinyImages?: string;
  printConfig?: boolean;
}

const integer = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

function addRunOptions(command: Command, defaults: { scale: boolean }): Command {
  if (defaults.scale) {
    command.addOption(new Option('--scale <scale>', "'paper' (the paper's models and epochs, for a GPU), 'cpu' (two CPU cores) or 'tiny' (smoke test)").choices(EXPERIMENT_SCALES).default('cpu'));
  }
  return command
    .option('--seed <n>', 'seed of every random choice (default 0)', integer('--seed'))
    .addOption(new Option('--backend <name>', 'compute backend (default: the fastest available)').choices(BACKEND_CHOICES))
    .option('--out <dir>', 'output folder for results.json, report.md, charts and checkpoints')
    .option('--resume', 'continue the run whose checkpoints are in --out')
    .addOption(new Option('--dataset <name>', 'run on another dataset than the preset\'s').choices(DATASET_NAMES))
    .option('--data-dir <dir>', 'directory of the Fashion-MNIST IDX files or the CIFAR-10 binary batches')
    .option('--tiny-images <file>', 'the ti_500K_pseudo_labeled.pickle file (CIFAR-10 + 500K TinyImages rows)')
    .option('--print-config', 'print the resolved config as JSON and exit (a starting point for a config.json)');
}

/**
 * Builds the `bdst` command (commander): `demo`, `run <preset | config.json>`, `screen` and
 * `presets`. Exposed for tests and embedding; {@link runBdst} is the entry point.
 */
export function createBdstCommand(io: CommandIo): Command {
  const program = new Command('bdst')
    .description('Backdoor defense by self-training with strong augmentation: the paper\'s tables and figure, one command each')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s), outputError: (s, write) => write(s) })
    .showHelpAfterError('(run bdst --help for usage)');

  addRunOptions(
    program
      .command('demo')
      .description('BadNets on the labeled part, pretrain, then baseline vs. proposed self-training; prints the SA/ASR table (synthetic data by default, < 3 min on 2 cores)'),
    { scale: false },
  ).action(async (flags: RunFlags) => {
    const dataset = flags.dataset ?? 'synthetic';
    if (dataset === 'cifar10+tinyimages') throw new UsageError("bdst demo: --dataset must be 'synthetic', 'fashion-mnist' or 'cifar10'");
    const config = withOverrides(demoConfig({ dataset, dataDir: flags.dataDir, seed: flags.seed }), { ...flags, dataset: undefined, dataDir: undefined });
    const out = flags.out ?? 'bdst-demo';
    // The demo is short: without --resume it starts over instead of refusing a used folder.
    if (!flags.resume) await rm(join(out, 'checkpoints'), { recursive: true, force: true });
    const outcome = await execute(config, { ...flags, out }, io);
    if (outcome) {
      const { result } = outcome.record;
      if (result.kind === 'table2') {
        const { baseline, proposed } = result;
        const verdict = proposed.score.asr < baseline.score.asr ? 'below' : 'NOT below';
        io.stdout.write(`Proposed ASR ${(proposed.score.asr * 100).toFixed(1)} % is ${verdict} the baseline's ${(baseline.score.asr * 100).toFixed(1)} %.\n`);
      }
    }
  });

  addRunOptions(
    program
      .command('run')
      .argument('<preset-or-config>', `a preset (${PRESET_NAMES.join(', ')}) or a config.json file`)
      .description('run a table or figure of the paper (see `bdst presets`)'),
    { scale: true },
  ).action(async (target: string, flags: RunFlags) => {
    const config = withOverrides(await loadTarget(target, flags), flags);
    await execute(config, { ...flags, out: flags.out ?? join('bdst-runs', `${config.name}-${flags.scale}-seed${config.seed}`) }, io);
  });

  addRunOptions(
    program
      .command('screen')
      .description('Figure 1: SA/ASR of poisoned models under each test-time augmentation, with the box plot'),
    { scale: true },
  )
    .addOption(new Option('--attacks <list>', 'comma-separated attacks to screen').argParser((v) => parseList(v, ATTACK_KINDS, '--attacks') as AttackKind[]))
    .option('--augmentations <list>', 'comma-separated augmentation names (parseAugmentation grammar)', (v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--draws <n>', 'draws averaged per stochastic augmentation (paper: 6)', integer('--draws'))
    .option('--model <dir>', 'screen this saved model (e.g. <run>/checkpoints/pretrain/model) instead of training one; give its attack with --attacks')
    .action(async (flags: RunFlags & { attacks?: AttackKind[]; augmentations?: string[]; draws?: number; model?: string }) => {
      const base = withOverrides(resolvePreset('figure1-screen', { scale: flags.scale }), flags);
      const screen = { ...base.screen!, ...(flags.attacks ? { attacks: flags.attacks } : {}), ...(flags.augmentations ? { augmentations: flags.augmentations } : {}), ...(flags.draws !== undefined ? { draws: flags.draws } : {}), ...(flags.model !== undefined ? { modelDir: resolve(flags.model) } : {}) };
      const config = validateExperimentConfig({ ...base, screen }, 'bdst screen');
      await execute(config, { ...flags, out: flags.out ?? join('bdst-runs', `figure1-screen-${flags.scale}-seed${config.seed}`) }, io);
    });

  program
    .command('presets')
    .description('list the presets of `bdst run`')
    .action(() => {
      for (const name of PRESET_NAMES) io.stdout.write(`${name.padEnd(36)} ${presetDescription(name)}\n`);
    });

  return program;
}

/**
 * Runs the `bdst` command on `argv` (without the node and script paths) and returns the exit code:
 * 0 on success, 2 for a usage error (unknown preset or option, bad config, missing data — printed
 * as one line without a stack trace), 1 for anything else (printed with its stack, since it is a bug).
 */
export async function runBdst(argv: readonly string[], io: CommandIo): Promise<number> {
  const program = createBdstCommand(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      io.stderr.write(`bdst: ${error.message}\n`);
      return 2;
    }
    if ((error as Error)?.name === 'AbortError') {
      io.stderr.write('bdst: stopped; run again with --resume to continue\n');
      return 130;
    }
    io.stderr.write(`bdst: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

async function loadTarget(target: string, flags: RunFlags): Promise<ExperimentConfig> {
  if (target.endsWith('.json') || target.includes('/') || existsSync(target)) {
    if (!existsSync(target)) throw new UsageError(`config file not found: ${target}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(target, 'utf8'));
    } catch (error) {
      throw new UsageError(`${target} is not valid JSON: ${(error as Error).message}`);
    }
    return validateExperimentConfig(parsed, target);
  }
  return resolvePreset(target, { scale: flags.scale });
}

/** Applies the command-line overrides (seed, backend, dataset, data paths) to a config, and checks it again. */
function withOverrides(config: ExperimentConfig, flags: RunFlags): ExperimentConfig {
  const next: ExperimentConfig = structuredClone(config);
  if (flags.seed !== undefined) next.seed = flags.seed;
  if (flags.backend !== undefined) next.backend = flags.backend;
  if (flags.dataset !== undefined && flags.dataset !== next.dataset.name) {
    const separate = flags.dataset === 'cifar10+tinyimages';
    const { trainSize, testSize, unlabeledSize } = next.dataset;
    next.dataset = {
      name: flags.dataset,
      trainSize,
      testSize,
      ...(separate ? { unlabeledSize, labeledFraction: 1 } : { labeledFraction: next.dataset.labeledFraction >= 1 ? 0.2 : next.dataset.labeledFraction }),
    };
    if (flags.dataset === 'synthetic') next.dataset.imageSize = 32;
    next.description = `${next.description} — run on ${flags.dataset} instead`;
    if (flags.dataset === 'cifar10' || separate) next.dataset.dir = 'data/cifar10';
  }
  if (flags.dataDir !== undefined) next.dataset.dir = resolve(flags.dataDir);
  if (flags.tinyImages !== undefined) next.dataset.tinyImagesPath = resolve(flags.tinyImages);
  return validateExperimentConfig(next, 'bdst');
}

async function execute(config: ExperimentConfig, flags: RunFlags & { out: string }, io: CommandIo): Promise<ExperimentOutcome | null> {
  if (flags.printConfig) {
    io.stdout.write(JSON.stringify(config, null, 2) + '\n');
    return null;
  }
  const progress = terminalProgress(io.stdout);
  progress.note(`bdst: ${config.name} (${config.kind}), seed ${config.seed}, output in ${flags.out}`);
  let outcome: ExperimentOutcome;
  try {
    outcome = await runExperiment(config, { out: flags.out, resume: flags.resume ?? false, progress, signal: io.signal });
  } finally {
    progress.stop();
  }
  io.stdout.write(`\n${outcome.report.table}\n`);
  const files = ['results.json', 'report.md', ...outcome.report.charts.map((c) => c.file)].map((f) => join(flags.out, f));
  io.stdout.write(`Wrote ${files.join(', ')} (${Math.round(outcome.record.seconds)} s)\n`);
  return outcome;
}

function parseList<T extends string>(value: string, allowed: readonly T[], option: string): T[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new InvalidArgumentError(`${option}: '${item}' is not one of ${allowed.join(', ')}`);
  }
  return items as T[];
}
