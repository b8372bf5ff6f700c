import { ImageDataset } from '@bdst/core';

/** A selection made by self-training: which samples were picked and the pseudo-label each got. */
export interface Selection {
  /** Indices into the dataset of the selected samples (each in [0, N)). */
  indices: Int32Array;
  /** The pseudo-label given to each selected sample (same length as `indices`). */
  pseudoLabels: Int32Array;
}

/** What a selection picked, from {@link selectionStats}. */
export interface SelectionStats {
  /** Number of selected samples. */
  count: number;
  /** How many selected samples are poisoned (`meta.poisoned`; 0 for a set without it). */
  poisoned: number;
  /** How many poisoned selected samples got the target label as pseudo-label (the backdoor survives). */
  poisonedWithTarget: number;
  /** How many selected samples got their true label (`meta.originalLabels`, else `labels`). */
  correct: number;
  /** `correct / count`: pseudo-label accuracy against the true labels; NaN when nothing was selected. */
  pseudoLabelAccuracy: number;
  /** Selected samples per pseudo-label class, length `numClasses`. */
  perClass: Int32Array;
}

/** Options of {@link selectionStats}. */
export interface SelectionStatsOptions {
  /** The attacker's target class (paper: 1). Default 1. */
  targetLabel?: number;
}

/**
 * Analyses one selection of self-training (Algorithm 1's confident samples) against the
 * poisoning bookkeeping the attacks recorded: how many poisoned samples it let in, how many of
 * those kept the backdoor's target label, and how accurate the pseudo-labels are. The true label
 * of a sample is `meta.originalLabels[i]` when present, else `labels[i]`. Defenses never call
 * this; it is for analysis and the iteration chart.
 */
export function selectionStats(selected: Selection, dataset: ImageDataset, options: SelectionStatsOptions = {}): SelectionStats {
  const caller = 'selectionStats';
  if (!(dataset instanceof ImageDataset)) throw new Error(`Error in ${caller}: dataset must be an ImageDataset`);
  if (!selected || !(selected.indices instanceof Int32Array) || !(selected.pseudoLabels instanceof Int32Array)) {
    throw new Error(`Error in ${caller}: selected must be { indices: Int32Array, pseudoLabels: Int32Array }`);
  }
  const { indices, pseudoLabels } = selected;
  if (indices.length !== pseudoLabels.length) {
    throw new Error(`Error in ${caller}: selected.pseudoLabels has length ${pseudoLabels.length} but selected.indices has ${indices.length}`);
  }
  const { targetLabel = 1 } = options;
  const k = dataset.numClasses;
  if (!Number.isInteger(targetLabel) || targetLabel < 0 || targetLabel >= k) {
    throw new Error(`Error in ${caller}: targetLabel must be an integer in [0, ${k}), but got ${targetLabel}`);
  }
  for (let j = 0; j < indices.length; j++) {
    if (indices[j] < 0 || indices[j] >= dataset.length) throw new Error(`Error in ${caller}: selected.indices[${j}] = ${indices[j]} is outside [0, ${dataset.length})`);
    if (pseudoLabels[j] < 0 || pseudoLabels[j] >= k) throw new Error(`Error in ${caller}: selected.pseudoLabels[${j}] = ${pseudoLabels[j]} is outside [0, ${k})`);
  }
  const truth = dataset.meta.originalLabels ?? dataset.labels;
  const flags = dataset.meta.poisoned;
  let poisoned = 0;
  let poisonedWithTarget = 0;
  let correct = 0;
  const perClass = new Int32Array(k);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    const y = pseudoLabels[j];
    perClass[y]++;
    if (y === truth[i]) correct++;
    if (flags && flags[i]) {
      poisoned++;
      if (y === targetLabel) poisonedWithTarget++;
    }
  }
  const count = indices.length;
  return { count, poisoned, poisonedWithTarget, correct, pseudoLabelAccuracy: count > 0 ? correct / count : NaN, perClass };
}
