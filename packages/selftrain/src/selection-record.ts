import type { ImageDataset } from '@bdst/core';
import { selectionStats } from '@bdst/metrics';
import type { SelectionRecord } from './self-train-history.js';

/** One source of D_UL and the samples chosen from it (indices into that source). */
export interface SelectionPart {
  /** D_L or D_U. */
  dataset: ImageDataset;
  /** Indices into `dataset` of the chosen samples. */
  indices: Int32Array;
  /** The pseudo-label of each chosen sample. */
  pseudoLabels: Int32Array;
}

/**
 * Measures a selection D_n against the poisoning bookkeeping, per source and in total, with
 * `@bdst/metrics`' `selectionStats` plus the pseudo-labels the poisoned samples got. For analysis
 * only (Algorithm 1 never reads `meta`).
 *
 * @param targetLabel the attack's target label (paper: 1, Section 5.1).
 */
export function recordSelection(parts: { labeled: SelectionPart; unlabeled: SelectionPart }, targetLabel: number): { total: SelectionRecord; labeled: SelectionRecord; unlabeled: SelectionRecord } {
  const fromLabeled = recordPart(parts.labeled, targetLabel);
  const fromUnlabeled = recordPart(parts.unlabeled, targetLabel);
  const count = fromLabeled.count + fromUnlabeled.count;
  const correct = fromLabeled.correct + fromUnlabeled.correct;
  const total: SelectionRecord = {
    count,
    poisoned: fromLabeled.poisoned + fromUnlabeled.poisoned,
    poisonedWithTarget: fromLabeled.poisonedWithTarget + fromUnlabeled.poisonedWithTarget,
    correct,
    pseudoLabelAccuracy: count > 0 ? correct / count : NaN,
    perClass: fromLabeled.perClass.map((v, c) => v + fromUnlabeled.perClass[c]),
    poisonedPerClass: fromLabeled.poisonedPerClass.map((v, c) => v + fromUnlabeled.poisonedPerClass[c]),
  };
  return { total, labeled: fromLabeled, unlabeled: fromUnlabeled };
}

function recordPart(part: SelectionPart, targetLabel: number): SelectionRecord {
  const { dataset, indices, pseudoLabels } = part;
  const stats = selectionStats({ indices, pseudoLabels }, dataset, { targetLabel });
  const poisonedPerClass = new Array<number>(dataset.numClasses).fill(0);
  const flags = dataset.meta.poisoned;
  if (flags) for (let j = 0; j < indices.length; j++) if (flags[indices[j]]) poisonedPerClass[pseudoLabels[j]]++;
  return {
    count: stats.count,
    poisoned: stats.poisoned,
    poisonedWithTarget: stats.poisonedWithTarget,
    correct: stats.correct,
    pseudoLabelAccuracy: stats.pseudoLabelAccuracy,
    perClass: Array.from(stats.perClass),
    poisonedPerClass,
  };
}
