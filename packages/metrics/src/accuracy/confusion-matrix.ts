/**
 * The confusion matrix of predictions: `K × K` counts, row-major, row = true class, column =
 * predicted class (entry `[t · K + p]`).
 *
 * @param trueLabels the true class of each sample, in [0, K).
 * @param predicted the predicted class of each sample, in [0, K); same length.
 * @param numClasses K.
 */
export function confusionMatrix(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): Int32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`Error in confusionMatrix: numClasses must be a positive integer, but got ${numClasses}`);
  if (trueLabels.length !== predicted.length) {
    throw new Error(`Error in confusionMatrix: predicted has length ${predicted.length} but trueLabels has ${trueLabels.length}`);
  }
  const out = new Int32Array(numClasses * numClasses);
  for (let i = 0; i < trueLabels.length; i++) {
    const t = trueLabels[i];
    const p = predicted[i];
    if (!(t >= 0 && t < numClasses) || !(p >= 0 && p < numClasses)) {
      throw new Error(`Error in confusionMatrix: sample ${i} has true label ${t} and prediction ${p}, expected both in [0, ${numClasses})`);
    }
    out[t * numClasses + p]++;
  }
  return out;
}

/**
 * Accuracy per true class from a confusion matrix: diagonal / row sum, length K; NaN for a class
 * with no samples.
 */
export function perClassAccuracy(confusion: Int32Array, numClasses: number): Float64Array {
  if (confusion.length !== numClasses * numClasses) {
    throw new Error(`Error in perClassAccuracy: confusion must have ${numClasses}×${numClasses} entries, but has ${confusion.length}`);
  }
  const out = new Float64Array(numClasses);
  for (let t = 0; t < numClasses; t++) {
    let total = 0;
    for (let p = 0; p < numClasses; p++) total += confusion[t * numClasses + p];
    out[t] = total > 0 ? confusion[t * numClasses + t] / total : NaN;
  }
  return out;
}
