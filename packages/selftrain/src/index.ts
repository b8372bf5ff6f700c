/**
 * `@bdst/selftrain`: self-training with strong data augmentation as a backdoor defense
 * (Algorithm 1 of the paper), its semi-supervised baseline (`transform: null`), the pilot study's
 * variants (`pseudoLabelOn`), the per-class confident selection, and the paper's presets.
 *
 * @packageDocumentation
 */
export { SelfTrainer, selfTrain } from './self-trainer.js';
export type {
  SelfTrainOptions,
  SelfTrainResult,
  SelfTrainState,
  SelfTrainHistory,
  SelfTrainPhase,
  IterationReport,
  PhaseReport,
  PhaseEvaluation,
  EvaluationSets,
} from './self-trainer.js';
export { selectConfident } from './select-confident.js';
export type { PseudoLabels, SelectConfidentOptions } from './select-confident.js';
export { selectionQuota } from './selection-quota.js';
export type { SelectionQuota, SelectionQuotaOptions } from './selection-quota.js';
export type { TrainingSettings } from './training-settings.js';
export { paperPresets } from './presets.js';
export type { SelfTrainPreset } from './presets.js';
