import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng, initBackend, writeFileAtomic } from '@bdst/core';
import type { ExperimentConfig } from '../config/experiment-config.js';
import { UsageError } from '../config/usage-error.js';
import { validateExperimentConfig } from '../config/validate-config.js';
import { renderExperimentReport } from '../report/experiment-report.js';
import type { ExperimentReport } from '../report/experiment-report.js';
import type { ExperimentRecord, ExperimentResult } from './experiment-result.js';
import { runFigure1 } from './figure1-run.js';
import { silentProgress } from './progress.js';
import type { ExperimentProgress } from './progress.js';
import { RunContext } from './run-context.js';
import { runTable1 } from './table1-run.js';
import { runTable2 } from './table2-run.js';
import { runTable3 } from './table3-run.js';

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions {
  /** Output folder: `results.json`, `report.md`, the SVG charts, `config.json` and `checkpoints/`. */
  out: string;
  /**
   * Continue the run whose checkpoints are in `out` (after a kill or a crash). Without it, a folder
   * that holds an unfinished run is refused rather than overwritten. Default false.
   */
  resume?: boolean;
  /** Progress sink (the `bdst` command passes a progress bar). Default: silent. */
  progress?: ExperimentProgress;
  /** Stops the run between batches; checkpoints keep what finished. */
  signal?: AbortSignal;
  /** Pass `quiet: true` to `initBackend` (tests). Default false. */
  quietBackend?: boolean;
}

/** What {@link runExperiment} returns: the record written to `results.json` and the rendered report. */
export interface ExperimentOutcome {
  /** The contents of `results.json`. */
  record: ExperimentRecord;
  /** `report.md`, its main table, and the charts written beside it. */
  report: ExperimentReport;
}

const RUN_STATE = 'run-state.json';

interface RunState {
  seconds: number;
  resumed: number;
}

/**
 * Runs one experiment (a preset from `resolvePreset`, or a validated config file) to the end:
 * selects the backend, loads and poisons the data, trains, and writes `results.json`, `report.md`
 * and the charts to `out`. Every finished epoch and part is checkpointed under `out/checkpoints`,
 * so a killed run started again with `resume: true` continues where it stopped and reaches the
 * same result as an uninterrupted one (on a single-threaded backend).
 *
 * @throws UsageError for a bad config, an `out` folder holding another or an unfinished run, or
 *   missing data.
 */
export async function runExperiment(config: ExperimentConfig, options: RunExperimentOptions): Promise<ExperimentOutcome> {
  const checked = validateExperimentConfig(config);
  const { out, resume = false } = options;
  const progress = options.progress ?? silentProgress;
  const checkpointDir = join(out, 'checkpoints');
  const configFile = join(out, 'config.json');
  const state = await prepareOutput(out, checkpointDir, configFile, checked, resume);
  if (state.resumed > 0) progress.note(`resuming from ${checkpointDir} (${Math.round(state.seconds)} s done before)`);

  const backend = await initBackend({ backend: checked.backend, quiet: options.quietBackend ?? false });
  const started = performance.now();
  const elapsed = (): number => state.seconds + (performance.now() - started) / 1000;
  // Keep the elapsed time in the checkpoint after every epoch, so a resumed run reports the total.
  const saveState = (): Promise<void> => writeFileAtomic(join(checkpointDir, RUN_STATE), JSON.stringify({ ...state, seconds: elapsed() }));
  const tracked: ExperimentProgress = {
    ...progress,
    phaseStart: (s) => progress.phaseStart(s),
    batch: (b) => progress.batch(b),
    note: (line) => progress.note(line),
    epoch: (e) => {
      progress.epoch(e);
      void saveState().catch(() => undefined);
    },
  };
  const ctx = new RunContext({ config: checked, rng: createRng(checked.seed), checkpointDir, progress: tracked, signal: options.signal });
  const result = await runKind(ctx);
  await saveState();
  const record: ExperimentRecord = {
    config: checked,
    result,
    backend: backend.description,
    seconds: elapsed(),
    resumed: state.resumed,
    finishedAt: new Date().toISOString(),
  };
  const report = await renderExperimentReport(record);
  await writeFileAtomic(join(out, 'results.json'), JSON.stringify(record, null, 2) + '\n');
  await writeFileAtomic(join(out, 'report.md'), report.markdown);
  for (const chart of report.charts) await writeFileAtomic(join(out, chart.file), chart.svg);
  return { record, report };
}

function runKind(ctx: RunContext): Promise<ExperimentResult> {
  switch (ctx.config.kind) {
    case 'table1-pilot':
      return runTable1(ctx);
    case 'table2':
      return runTable2(ctx);
    case 'table3-simclr':
      return runTable3(ctx);
    case 'figure1-screen':
      return runFigure1(ctx);
  }
}

/** Checks `out` against `resume`, writes `config.json`, and returns the elapsed-time state to continue from. */
async function prepareOutput(out: string, checkpointDir: string, configFile: string, config: ExperimentConfig, resume: boolean): Promise<RunState> {
  const started = existsSync(checkpointDir);
  if (started && !resume) {
    throw new UsageError(`--out ${out} already holds a run (its checkpoints/ folder); pass --resume to continue it, or choose another --out`);
  }
  if (started) {
    const before = existsSync(configFile) ? JSON.parse(await readFile(configFile, 'utf8')) : null;
    const difference = before ? firstDifference(before, config) : 'config.json is missing';
    if (difference) throw new UsageError(`cannot resume ${out}: it was started with a different config (${difference})`);
    const stateFile = join(checkpointDir, RUN_STATE);
    const state: RunState = existsSync(stateFile) ? JSON.parse(await readFile(stateFile, 'utf8')) : { seconds: 0, resumed: 0 };
    return { seconds: state.seconds, resumed: state.resumed + 1 };
  }
  await mkdir(checkpointDir, { recursive: true });
  await writeFile(configFile, JSON.stringify(config, null, 2) + '\n');
  return { seconds: 0, resumed: 0 };
}

/** The first key path at which two JSON values differ, or null when they are equal. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (a === b) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const key of keys) {
      const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (d) return d;
    }
    return null;
  }
  return `${path || 'the config'}: was ${JSON.stringify(a)}, now ${JSON.stringify(b)}`;
}
