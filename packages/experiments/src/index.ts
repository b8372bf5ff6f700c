/**
 * `@bdst/experiments`: the paper's experiments as data and one command each — presets for Table 1
 * (the pilot study), every row of Table 2, Table 3 (Algorithm 2) and Figure 1 (the augmentation
 * screen) at three scales, a runner that writes `results.json`, `report.md` and SVG charts and
 * resumes after a kill, and the `bdst` command (`bdst demo`, `bdst run`, `bdst screen`).
 *
 * @packageDocumentation
 */
export { EXPERIMENT_KINDS, DATASET_NAMES, ATTACK_KINDS, MODEL_NAMES } from './config/experiment-config.js';
export type {
  ExperimentConfig,
  ExperimentKind,
  DatasetName,
  DatasetConfig,
  AttackKind,
  AttackConfig,
  ModelName,
  ModelConfig,
  TrainingConfig,
  SelfTrainConfig,
  PilotVariant,
  PilotConfig,
  SimclrConfig,
  ScreenConfig,
} from './config/experiment-config.js';
export { validateExperimentConfig } from './config/validate-config.js';
export { UsageError } from './config/usage-error.js';
export { PRESET_NAMES, presetDescription, resolvePreset } from './presets/experiment-presets.js';
export type { ResolvePresetOptions } from './presets/experiment-presets.js';
export { EXPERIMENT_SCALES, scaleSettings } from './presets/scale.js';
export type { ExperimentScale, ScaleSettings } from './presets/scale.js';
export { demoConfig } from './presets/demo-config.js';
export type { DemoOptions } from './presets/demo-config.js';
export { loadExperimentData } from './data/load-experiment-data.js';
export type { ExperimentData } from './data/load-experiment-data.js';
export { poisonExperimentData, countPoisoned } from './data/poison-experiment-data.js';
export type { PoisonedData } from './data/poison-experiment-data.js';
export { runExperiment } from './runner/run-experiment.js';
export type { RunExperimentOptions, ExperimentOutcome } from './runner/run-experiment.js';
export type { ExperimentRecord, ExperimentResult } from './runner/experiment-result.js';
export type { Table1Result, PilotRowResult } from './runner/table1-run.js';
export type { Table2Result, DataSummary } from './runner/table2-run.js';
export type { Table3Result } from './runner/table3-run.js';
export type { Figure1Result, ScreenAttackResult, ScreenEntry } from './runner/figure1-run.js';
export { screenVariants, isStochastic } from './runner/figure1-run.js';
export type { MethodResult, IterationSummary, Score } from './runner/self-train-method.js';
export { RunContext } from './runner/run-context.js';
export { silentProgress } from './runner/progress.js';
export type { ExperimentProgress, PhaseStart, BatchProgress, EpochProgress } from './runner/progress.js';
export { renderExperimentReport, formatDuration } from './report/experiment-report.js';
export type { ExperimentReport, ReportChart } from './report/experiment-report.js';
export { createBdstCommand, runBdst } from './cli/bdst-command.js';
export type { CommandIo } from './cli/bdst-command.js';
export { terminalProgress } from './cli/terminal-progress.js';
export type { TextOutput } from './cli/terminal-progress.js';
