import type { EpochReport } from '@bdst/core';

/** The phases of a run, in order: pretraining, the N iterations, the final training from scratch. */
export type SelfTrainPhase = 'pretrain' | `iteration-${number}` | 'final';

/** SA and ASR of a model at one point of the run (Section 3's measures, fractions in [0, 1]). */
export interface PhaseEvaluation {
  /** Standard accuracy on `evaluate.clean`. */
  sa: number;
  /** Attack success rate on `evaluate.triggered`, or null without a triggered set. */
  asr: number | null;
}

/**
 * What one selection D_n let in, measured against the poisoning bookkeeping (`meta.poisoned`,
 * `meta.originalLabels`) that the attacks record. The algorithm never reads it; it is for analysis
 * (e.g. "how many poisoned samples kept the target label"). Plain arrays, so it survives JSON.
 */
export interface SelectionRecord {
  /** |D_n|. */
  count: number;
  /** Poisoned samples among D_n. */
  poisoned: number;
  /** Poisoned samples of D_n whose pseudo-label is the attack's target label (the backdoor survives). */
  poisonedWithTarget: number;
  /** Samples whose pseudo-label equals their true label (`meta.originalLabels`, else the given label). */
  correct: number;
  /** `correct / count` in [0, 1]; NaN when nothing was selected (null after a JSON round trip). */
  pseudoLabelAccuracy: number;
  /** Selected samples per pseudo-label class, length C. */
  perClass: number[];
  /** Selected poisoned samples per pseudo-label class, length C ("with which pseudo-labels"). */
  poisonedPerClass: number[];
}

/** What one self-training iteration did (Algorithm 1, one pass of the outer loop). */
export interface IterationReport {
  /** n, 1-based. */
  iteration: number;
  /** min(1, k·n): the share of D_UL this iteration aims to select. */
  fraction: number;
  /** ⌈k·n·|D_UL|/C⌉, the per-class quota, or null when k·n ≥ 1 and the whole D_UL was used. */
  perClassQuota: number | null;
  /** |D_UL|, the number of pseudo-labelled samples. */
  pseudoLabeledCount: number;
  /** |D_n|. */
  selectedCount: number;
  /** |D_n| per pseudo-label class (min(quota, samples predicted as c)), length C. */
  classCounts: number[];
  /** What D_n holds: how many poisoned samples it let in and with which pseudo-labels (`selectionStats`). */
  selection: SelectionRecord;
  /** The same, for D_n's samples from D_L and from D_U separately. */
  selectionBySource: { labeled: SelectionRecord; unlabeled: SelectionRecord };
  /** SA/ASR of the warm-started model after this iteration, when `evaluate` is given. */
  evaluation: PhaseEvaluation | null;
  /** Training history of this iteration's retraining (one report per epoch). */
  epochs: EpochReport[];
  /** Wall time of the iteration (pseudo-labeling, selection, retraining, evaluation), seconds. */
  seconds: number;
}

/** Pretraining or final-training summary. */
export interface PhaseReport {
  /** Training history (empty when a pretrained model was given). */
  epochs: EpochReport[];
  /** SA/ASR after the phase, when `evaluate` is given. */
  evaluation: PhaseEvaluation | null;
  /** Wall time of the phase, seconds (of the part run in this process when it was resumed). */
  seconds: number;
}

/** Everything a run records; kept in the checkpoint and returned by `SelfTrainer.run`. */
export interface SelfTrainHistory {
  /** The pretrained model (Algorithm 1's input), once it exists. */
  pretrain: PhaseReport | null;
  /** One report per finished iteration, in order. */
  iterations: IterationReport[];
  /** The model trained from scratch on D_N, once it exists. */
  final: PhaseReport | null;
}
