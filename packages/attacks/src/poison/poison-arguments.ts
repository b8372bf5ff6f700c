import { ImageDataset } from '@bdst/core';
import type { Rng } from '@bdst/core';

/** Throws unless `dataset` is an {@link ImageDataset}. */
export function checkDataset(dataset: ImageDataset, caller: string, name = 'dataset'): void {
  if (!(dataset instanceof ImageDataset)) {
    throw new Error(`Error in ${caller}: ${name} must be an ImageDataset, but got ${dataset === null ? 'null' : typeof dataset}`);
  }
}

/** Throws unless `ratio` is a number in [0, 1]. */
export function checkRatio(ratio: number, caller: string, name = 'ratio'): void {
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1)) {
    throw new Error(`Error in ${caller}: ${name} must be a number in [0, 1], but got ${ratio}`);
  }
}

/** Throws unless `targetLabel` is an integer class index in [0, numClasses). */
export function checkTargetLabel(targetLabel: number, numClasses: number, caller: string): void {
  if (!Number.isInteger(targetLabel) || targetLabel < 0 || targetLabel >= numClasses) {
    throw new Error(`Error in ${caller}: targetLabel must be an integer in [0, ${numClasses}) (the dataset's classes), but got ${targetLabel}`);
  }
}

/** Throws unless `rng` looks like a bdst {@link Rng}. */
export function checkRng(rng: Rng, caller: string): void {
  if (!rng || typeof rng.permutation !== 'function' || typeof rng.next !== 'function') {
    throw new Error(`Error in ${caller}: rng must be an Rng from @bdst/core's createRng(seed), but got ${rng === undefined ? 'undefined' : typeof rng}`);
  }
}

/** Indices of the samples whose label is `label`, in dataset order. */
export function indicesOfClass(labels: Int32Array, label: number): Int32Array {
  let count = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === label) count++;
  const out = new Int32Array(count);
  for (let i = 0, k = 0; i < labels.length; i++) if (labels[i] === label) out[k++] = i;
  return out;
}

/** `count` indices drawn without replacement from `pool` with `rng`, sorted ascending. */
export function drawIndices(pool: Int32Array, count: number, rng: Rng): Int32Array {
  const order = rng.permutation(pool.length);
  const out = new Int32Array(count);
  for (let k = 0; k < count; k++) out[k] = pool[order[k]];
  return out.sort();
}
