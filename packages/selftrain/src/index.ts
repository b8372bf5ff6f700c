/**
 * `@bdst/selftrain`: self-training with strong data augmentation as a backdoor defense
 * (Algorithm 1 of the paper), its semi-supervised baseline (`transform: null`), the pilot study's
 * variants (`pseudoLabelOn`), the per-class confident selection, and the paper's presets.
 *
 * @packageDocumentation
 */
export { SelfTrainer, selfTrain } from './self-trainer.js';
export type { SelfTrainResult, SelfTrainState } from './self-trainer.js';
export { checkSelfTrainOptions } from './self-train-options.js';
export type { SelfTrainOptions, EvaluationSets, PseudoLabelOn } from './self-train-options.js';
export type { SelfTrainHistory, SelfTrainPhase, IterationReport, PhaseReport, PhaseEvaluation, SelectionRecord } from './self-train-history.js';
export { SelfTrainCheckpoint, SELF_TRAIN_STATE_FILE } from './self-train-checkpoint.js';
export type { SelfTrainFingerprint, SelfTrainSavedState } from './self-train-checkpoint.js';
export { recordSelection } from './selection-record.js';
export type { SelectionPart } from './selection-record.js';
export { selectConfident } from './select-confident.js';
export type { PseudoLabels, SelectConfidentOptions } from './select-confident.js';
export { selectionQuota } from './selection-quota.js';
export type { SelectionQuota, SelectionQuotaOptions } from './selection-quota.js';
export type { TrainingSettings } from './training-settings.js';
export { paperPresets } from './presets.js';
export type { SelfTrainPreset } from './presets.js';
