/**
 * Pseudo-labels of a set of samples: the class the model predicts for each and how sure it is.
 * `confidences[i]` is the softmax probability of `labels[i]` (in [0, 1]; larger is surer).
 */
export interface PseudoLabels {
  /** Predicted class per sample, each in [0, numClasses). */
  readonly labels: Int32Array;
  /** Confidence per sample (the predicted class's probability), same length as `labels`. */
  readonly confidences: Float32Array;
}

/** Options of {@link selectConfident}. */
export interface SelectConfidentOptions {
  /** How many samples to take per predicted class: a non-negative integer, or `Infinity` for all. */
  perClass: number;
  /** Number of classes C. */
  numClasses: number;
}

/**
 * The per-class confidence selection of Algorithm 1 (and 2): for each class c, the `perClass`
 * most confident samples predicted as c (all of them when fewer exist). Ties in confidence are
 * broken by the lower index, so the result depends only on the inputs.
 *
 * Returns the selected indices grouped by class (class 0 first), most confident first within a
 * class. Pure: no tensors, no randomness.
 */
export function selectConfident(pseudo: PseudoLabels, options: SelectConfidentOptions): Int32Array {
  const { labels, confidences } = pseudo;
  const { perClass, numClasses } = options;
  if (!(labels instanceof Int32Array)) throw new TypeError('selectConfident: pseudo.labels must be an Int32Array');
  if (!(confidences instanceof Float32Array) || confidences.length !== labels.length) {
    throw new TypeError(`selectConfident: pseudo.confidences must be a Float32Array of length ${labels.length} (one per label)`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`selectConfident: numClasses must be a positive integer, got ${numClasses}`);
  if (!(perClass === Infinity || (Number.isInteger(perClass) && perClass >= 0))) {
    throw new RangeError(`selectConfident: perClass must be a non-negative integer or Infinity, got ${perClass}`);
  }
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!(c >= 0 && c < numClasses)) throw new RangeError(`selectConfident: pseudo.labels[${i}] = ${c} is outside [0, ${numClasses})`);
    if (Number.isNaN(confidences[i])) throw new RangeError(`selectConfident: pseudo.confidences[${i}] is NaN`);
    byClass[c].push(i);
  }
  const out: number[] = [];
  for (const members of byClass) {
    members.sort((a, b) => confidences[b] - confidences[a] || a - b);
    const take = Math.min(perClass, members.length);
    for (let j = 0; j < take; j++) out.push(members[j]);
  }
  return Int32Array.from(out);
}
